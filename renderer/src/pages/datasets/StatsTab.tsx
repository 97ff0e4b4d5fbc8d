import { Card, Progress, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import type { Stats } from '../../../../shared/contract/schemas/datasets';

function Histogram({ bins }: { bins: Stats['boxSides'] }) {
  const max = Math.max(1, ...bins.map((b) => b.count));
  return (
    <div>
      {bins.map((b) => (
        <div key={b.from} style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <span style={{ width: 90, textAlign: 'right', fontFamily: 'monospace' }}>{b.from}–{b.to}</span>
          <Progress percent={(100 * b.count) / max} showInfo={false} style={{ width: 240, margin: 0 }} />
          <span>{b.count}</span>
        </div>
      ))}
    </div>
  );
}

/** Per-label counts and box-size histograms (sqrt(w·h) in pixels). */
export function StatsTab({ name }: { name: string }) {
  const { t } = useTranslation('datasets');
  const stats = useCall(() => api.datasets.stats.query({ name }), [name], ['datasets']);
  const s = stats.data;
  if (!s) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text>{t('stats.summary', { images: s.images, annotations: s.annotations })} {Object.entries(s.statuses).map(([k, v]) => `${t(`statuses.${k}`)} ${v}`).join(' · ')}</Typography.Text>
      <Table rowKey="name" size="small" pagination={false} dataSource={s.labels}
        columns={[
          { title: t('stats.label'), dataIndex: 'name' },
          { title: t('columns.annotations'), dataIndex: 'annotations', width: 120, align: 'right' },
          { title: t('columns.images'), dataIndex: 'images', width: 100, align: 'right' },
          { title: t('stats.boxSizes'), key: 'h', render: (_: unknown, l: Stats['labels'][number]) => <Histogram bins={l.boxSides} /> },
        ]} />
      <Card size="small" title={t('stats.allBoxes')}><Histogram bins={s.boxSides} /></Card>
    </Space>
  );
}
