import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { TerminalsPanel } from './TerminalsPanel';
import { ExecPanel } from './ExecPanel';

/** Terminals, parallel exec, files and port forwards: everything that reaches nodes over SSH/SOL. */
export function ConsolesPage() {
  const { t } = useTranslation('consoles');
  return (
    <Tabs
      items={[
        // Terminals stay mounted when another tab is shown: switching must not drop sessions.
        { key: 'terminals', label: t('tabs.terminals'), children: <TerminalsPanel /> },
        { key: 'exec', label: t('tabs.exec'), children: <ExecPanel /> },
      ]}
    />
  );
}
