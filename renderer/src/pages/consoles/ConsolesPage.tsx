import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { TerminalsPanel } from './TerminalsPanel';
import { ExecPanel } from './ExecPanel';
import { FilesPanel } from './FilesPanel';
import { ForwardsPanel } from './ForwardsPanel';

/** Terminals, parallel exec, files and port forwards: everything that reaches nodes over SSH/SOL. */
export function ConsolesPage() {
  const { t } = useTranslation('consoles');
  return (
    <Tabs
      items={[
        // Terminals stay mounted when another tab is shown: switching must not drop sessions.
        { key: 'terminals', label: t('tabs.terminals'), children: <TerminalsPanel /> },
        { key: 'exec', label: t('tabs.exec'), children: <ExecPanel /> },
        { key: 'files', label: <span data-testid="tab-files">{t('tabs.files')}</span>, children: <FilesPanel /> },
        { key: 'forwards', label: <span data-testid="tab-forwards">{t('tabs.forwards')}</span>, children: <ForwardsPanel /> },
      ]}
    />
  );
}
