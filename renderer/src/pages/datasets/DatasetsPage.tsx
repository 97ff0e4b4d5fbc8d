import { useState } from 'react';
import { Button, Space, Tag, Typography } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { PageTable } from '../../components/PageTable';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import type { DatasetSummary } from '../../../../shared/contract/schemas/datasets';
import { CreateDialog } from './CreateDialog';
import { DatasetDrawer } from './DatasetDrawer';
import { sizeText } from './format';

/** The LiCO-style dataset table: name, kind, images, annotations, size, last change, published. */
export function DatasetsPage() {
  const { t } = useTranslation('datasets');
  const list = useCall(() => api.datasets.list.query(), [], ['datasets']);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="datasets-create">{t('create.button')}</Button>
        <Button icon={<ReloadOutlined />} onClick={list.reload}>{t('common:actions.refresh')}</Button>
        <Typography.Text type="secondary">{t('total', { total: list.data?.length ?? 0 })}</Typography.Text>
        {list.error && <Typography.Text type="danger">{list.error.message}</Typography.Text>}
      </Space>
      <PageTable<DatasetSummary>
        above={230}
        width={1000}
        data-testid="datasets-table"
        rowKey="name"
        loading={list.loading}
        dataSource={list.data ?? []}
        onRow={(d) => ({ onClick: () => setOpen(d.name), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('columns.name'), dataIndex: 'name', width: 200 },
          { title: t('columns.kind'), dataIndex: 'kind', width: 140, render: (k: string) => t(`kinds.${k}`) },
          { title: t('columns.images'), dataIndex: 'images', width: 100, align: 'right' },
          { title: t('columns.annotations'), dataIndex: 'annotations', width: 120, align: 'right' },
          { title: t('columns.size'), dataIndex: 'bytes', width: 100, align: 'right', render: (b: number) => sizeText(b) },
          { title: t('columns.updated'), dataIndex: 'updatedAt', width: 170, render: (v: string) => v.replace('T', ' ').slice(0, 19) },
          { title: t('columns.published'), dataIndex: 'published', width: 110, render: (v: number | null) => (v === null ? '' : <Tag color="green">v{v}</Tag>) },
          { title: t('columns.root'), dataIndex: 'root', ellipsis: true },
        ]}
      />
      <CreateDialog open={creating} onClose={() => setCreating(false)} onCreated={(name) => { setCreating(false); list.reload(); setOpen(name); }} />
      {open && <DatasetDrawer name={open} onClose={() => { setOpen(null); list.reload(); }} />}
    </Space>
  );
}
