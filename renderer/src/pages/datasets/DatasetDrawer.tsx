import { useState } from 'react';
import { Button, Drawer, Space, Tabs, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { ImagesTab } from './ImagesTab';
import { VersionsTab } from './VersionsTab';
import { StatsTab } from './StatsTab';
import { LabelsTab } from './LabelsTab';
import { TransferDialog } from './TransferDialog';

export function DatasetDrawer({ name, onClose }: { name: string; onClose: () => void }) {
  const { t } = useTranslation('datasets');
  const ds = useCall(() => api.datasets.get.query({ name }), [name], ['datasets']);
  const [transfer, setTransfer] = useState<'import' | 'export' | null>(null);
  return (
    <Drawer open width="min(1200px, 95vw)" title={name} onClose={onClose} data-testid="datasets-drawer"
      extra={<Space>
        <Button onClick={() => setTransfer('import')} data-testid="datasets-import">{t('common:actions.import')}</Button>
        <Button onClick={() => setTransfer('export')} data-testid="datasets-export">{t('common:actions.export')}</Button>
      </Space>}>
      {ds.data && (
        <Space wrap style={{ marginBottom: 12 }}>
          <Tag>{t(`kinds.${ds.data.kind}`)}</Tag>
          <span>{ds.data.root}</span>
          {ds.data.labels.map((l) => <Tag key={l.name} color={l.color}>{l.hotkey ? `${l.hotkey} · ` : ''}{l.name} ({l.annotations})</Tag>)}
        </Space>
      )}
      <Tabs items={[
        { key: 'images', label: t('tabs.images'), children: <ImagesTab name={name} labels={ds.data?.labels ?? []} kind={ds.data?.kind} /> },
        { key: 'labels', label: t('tabs.labels'), children: ds.data ? <LabelsTab name={name} labels={ds.data.labels} onSaved={ds.reload} /> : null },
        { key: 'versions', label: t('tabs.versions'), children: <VersionsTab name={name} /> },
        { key: 'stats', label: t('tabs.stats'), children: <StatsTab name={name} /> },
      ]} />
      {transfer && <TransferDialog name={name} mode={transfer} onClose={() => { setTransfer(null); ds.reload(); }} />}
    </Drawer>
  );
}
