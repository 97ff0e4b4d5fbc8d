import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Input, Modal, Progress, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, appErrorOf } from '../../api/client';
import { useCall } from '../../state/useCall';
import { errorText, useErrorNotice } from '../../components/errors';
import { DATASET_FORMATS, type Version } from '../../../../shared/contract/schemas/datasets';
import type { TransferEvent } from '../../../../shared/contract/schemas/files';

/** Immutable versions with counts and the change against their parent; publish one as a zip, here or into a folder on a node. */
export function VersionsTab({ name }: { name: string }) {
  const { t, i18n } = useTranslation('datasets');
  const notifyError = useErrorNotice();
  const versions = useCall(() => api.datasets.versions.query({ name }), [name], ['datasets']);
  const [message, setMessage] = useState('');
  const [publishing, setPublishing] = useState<number | null>(null);
  const [format, setFormat] = useState<(typeof DATASET_FORMATS)[number]>('coco');
  const [out, setOut] = useState('');
  const [where, setWhere] = useState<'local' | 'node'>('local');
  const [node, setNode] = useState('');
  const [remoteDir, setRemoteDir] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [upload, setUpload] = useState<{ percent: number; done: string | null; error: string | null } | null>(null);
  const sub = useRef<{ unsubscribe(): void } | null>(null);
  useEffect(() => () => sub.current?.unsubscribe(), []);

  const create = () => api.datasets.createVersion.mutate({ name, message }).then(() => { setMessage(''); versions.reload(); }, notifyError);
  const close = () => { sub.current?.unsubscribe(); sub.current = null; setUpload(null); setPublishing(null); };
  const publish = () => {
    if (where === 'local') {
      api.datasets.publish.mutate({ name, version: publishing!, format, out }).then(() => { setPublishing(null); versions.reload(); }, notifyError);
      return;
    }
    setUpload({ percent: 0, done: null, error: null });
    sub.current = api.datasets.publishUpload.subscribe({ name, version: publishing!, format, node: node.trim(), remoteDir: remoteDir.trim(), overwrite }, {
      onData: (ev: TransferEvent) => {
        const p = ev.type === 'started' ? null : ev.progress;
        setUpload({ percent: p && p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : ev.type === 'done' ? 100 : 0, done: ev.type === 'done' ? `${node.trim()}:${ev.target}` : null, error: null });
        if (ev.type === 'done') versions.reload();
      },
      onError: (err: unknown) => setUpload({ percent: 0, done: null, error: errorText(appErrorOf(err), t, i18n.language) }),
    });
  };
  const uploading = !!upload && !upload.done && !upload.error;
  const ready = where === 'local' ? !!out.trim() : !!node.trim() && remoteDir.trim().startsWith('/');

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
      <Modal open={publishing !== null} title={t('versions.publishTitle', { number: publishing })} onCancel={close} data-testid="publish-dialog"
        footer={[
          uploading ? <Button key="cancel" danger onClick={() => { sub.current?.unsubscribe(); sub.current = null; setUpload({ percent: 0, done: null, error: t('versions.uploadCancelled') }); }} data-testid="publish-cancel">{t('versions.cancelUpload')}</Button>
            : <Button key="close" onClick={close}>{t(upload?.done ? 'versions.close' : 'versions.cancel')}</Button>,
          !upload?.done && <Button key="ok" type="primary" onClick={publish} disabled={!ready || uploading} loading={uploading} data-testid="publish-ok">{t('versions.publish')}</Button>,
        ]}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Select value={format} onChange={setFormat} style={{ width: 200 }} options={DATASET_FORMATS.map((f) => ({ value: f, label: t(`formats.${f}`) }))} />
          <Radio.Group value={where} onChange={(e) => setWhere(e.target.value)} disabled={uploading} data-testid="publish-where"
            options={[{ value: 'local', label: t('versions.toLocal') }, { value: 'node', label: t('versions.toNode') }]} />
          {where === 'local'
            ? <Input placeholder="/data/published/cats-v1.zip" value={out} onChange={(e) => setOut(e.target.value)} addonBefore={t('versions.zipPath')} />
            : (
              <>
                <Input placeholder="login01" value={node} onChange={(e) => setNode(e.target.value)} addonBefore={t('versions.node')} disabled={uploading} data-testid="publish-node" />
                <Input placeholder="/shared/datasets" value={remoteDir} onChange={(e) => setRemoteDir(e.target.value)} addonBefore={t('versions.remoteDir')} disabled={uploading} data-testid="publish-folder"
                  status={remoteDir.trim() && !remoteDir.trim().startsWith('/') ? 'error' : undefined} />
                <Radio.Group value={overwrite} onChange={(e) => setOverwrite(e.target.value)} disabled={uploading}
                  options={[{ value: false, label: t('versions.keepExisting') }, { value: true, label: t('versions.overwrite') }]} />
                <Typography.Text type="secondary">{t('versions.uploadHint')}</Typography.Text>
              </>
            )}
          {upload && !upload.error && <Progress percent={upload.percent} status={upload.done ? 'success' : 'active'} data-testid="publish-progress" />}
          {upload?.done && <Alert type="success" showIcon message={t('versions.uploaded', { target: upload.done })} data-testid="publish-done" />}
          {upload?.error && <Alert type="error" showIcon message={upload.error} data-testid="publish-error" />}
        </Space>
      </Modal>
    </Space>
  );
}
