import { useState } from 'react';
import { Button, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import { DATASET_FORMATS, type Version } from '../../../../shared/contract/schemas/datasets';

/** Immutable versions with counts and the change against their parent; publish one as a zip. */
export function VersionsTab({ name }: { name: string }) {
  const { t } = useTranslation('datasets');
  const notifyError = useErrorNotice();
  const versions = useCall(() => api.datasets.versions.query({ name }), [name], ['datasets']);
  const [message, setMessage] = useState('');
  const [publishing, setPublishing] = useState<number | null>(null);
  const [format, setFormat] = useState<(typeof DATASET_FORMATS)[number]>('coco');
  const [out, setOut] = useState('');

  const create = () => api.datasets.createVersion.mutate({ name, message }).then(() => { setMessage(''); versions.reload(); }, notifyError);
  const publish = () => api.datasets.publish.mutate({ name, version: publishing!, format, out }).then(() => { setPublishing(null); versions.reload(); }, notifyError);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Input style={{ width: 360 }} placeholder={t('versions.message')} value={message} onChange={(e) => setMessage(e.target.value)} />
        <Button type="primary" onClick={create} data-testid="datasets-version-create">{t('versions.create')}</Button>
      </Space>
      <Table<Version>
        rowKey="number"
        size="small"
        pagination={false}
        loading={versions.loading}
        dataSource={[...(versions.data ?? [])].reverse()}
        columns={[
          { title: t('versions.number'), dataIndex: 'number', width: 80, render: (n: number) => `v${n}` },
          { title: t('versions.created'), dataIndex: 'createdAt', width: 170, render: (v: string) => v.replace('T', ' ').slice(0, 19) },
          { title: t('versions.by'), dataIndex: 'createdBy', width: 90 },
          { title: t('columns.images'), key: 'images', width: 80, render: (_: unknown, v) => v.counts.images },
          { title: t('columns.annotations'), key: 'ann', width: 100, render: (_: unknown, v) => v.counts.annotations },
          { title: t('versions.change'), key: 'diff', render: (_: unknown, v) => `+${v.diff.annotationsAdded} −${v.diff.annotationsRemoved} / +${v.diff.imagesAdded} −${v.diff.imagesRemoved}` },
          { title: t('versions.published'), key: 'pub', render: (_: unknown, v) => v.published.map((p, i) => <Tag key={i} title={p.path}>{p.format}</Tag>) },
          { title: t('versions.message'), dataIndex: 'message', ellipsis: true },
          { title: '', key: 'act', width: 100, render: (_: unknown, v) => <Button size="small" onClick={() => setPublishing(v.number)}>{t('versions.publish')}</Button> },
        ]}
      />
      <Modal open={publishing !== null} title={t('versions.publishTitle', { number: publishing })} onCancel={() => setPublishing(null)} onOk={publish} okButtonProps={{ disabled: !out }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Select value={format} onChange={setFormat} style={{ width: 200 }} options={DATASET_FORMATS.map((f) => ({ value: f, label: t(`formats.${f}`) }))} />
          <Input placeholder="/data/published/cats-v1.zip" value={out} onChange={(e) => setOut(e.target.value)} addonBefore={t('versions.zipPath')} />
        </Space>
      </Modal>
    </Space>
  );
}
