import { useState } from 'react';
import { Button, Drawer, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { CloudServerOutlined, PlusOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import type { Job } from '../../../../shared/contract/schemas/jobs';
import { SubmitDrawer } from './SubmitDrawer';
import { BackendsDrawer } from './BackendsDrawer';
import { KubeDetail } from './KubeDetail';

const STATE_COLORS: Record<string, string> = { queued: 'default', scheduling: 'blue', running: 'processing', pausing: 'orange', paused: 'orange', succeeded: 'green', failed: 'red', cancelled: 'default', unknown: 'default' };
const PHASE_COLORS: Record<string, string> = { draft: 'default', outbox: 'gold', submitted: 'blue' };

function JobDetailDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const { t } = useTranslation('jobs');
  const detail = useCall(() => (id ? api.jobs.show.query({ id }) : Promise.resolve(null)), [id], ['jobs']);
  const j = detail.data;
  const kube = j?.rendered?.kind === 'manifest';
  const logs = useCall(() => (id && detail.data?.phase === 'submitted' && !kube ? api.jobs.logs.query({ id, tailBytes: 256 * 1024 }) : Promise.resolve(null)), [id, detail.data?.phase, kube]);
  return (
    <Drawer open={id !== null} onClose={onClose} width={820} title={j ? `${j.id} · ${j.name}` : ''} data-testid="job-detail">
      {j && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('columns.state')}: <Tag color={STATE_COLORS[j.state ?? '']}>{j.state ? t(`states.${j.state}`) : t(`phases.${j.phase}`)}</Tag> {j.rawState}</Typography.Text>
          {j.lastError && <Typography.Text type="danger">{j.lastError}</Typography.Text>}
          {j.rendered?.spec.endpoints.map((e) => <Typography.Text key={e.name}>{e.name}: {j.nodes ?? '?'}:{e.port}</Typography.Text>)}
          {j.reason && <Typography.Text type="secondary">{j.reason}</Typography.Text>}
          {kube && j.phase === 'submitted' && <KubeDetail id={j.id} active={!!j.state && !['succeeded', 'failed', 'cancelled'].includes(j.state)} />}
          <Typography.Text strong>{kube ? t('manifest') : t('script')}</Typography.Text>
          <pre style={{ background: 'rgba(127,127,127,0.1)', padding: 12, whiteSpace: 'pre-wrap' }} data-testid="job-detail-text">{j.rendered?.text}</pre>
          {!kube && <Typography.Text strong>{t('output')} {logs.data?.path}</Typography.Text>}
          {!kube && <pre style={{ background: 'rgba(127,127,127,0.1)', padding: 12, maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap' }}>{logs.error ? logs.error.message : logs.data?.text}</pre>}
        </Space>
      )}
    </Drawer>
  );
}

export function JobsPage() {
  const { t } = useTranslation('jobs');
  const notifyError = useErrorNotice();
  const [submitOpen, setSubmitOpen] = useState(false);
  const [detail, setDetail] = useState<number | null>(null);
  const [backendsOpen, setBackendsOpen] = useState(false);
  const list = useCall(() => api.jobs.list.query({ refresh: true }), [], ['jobs']);
  const act = (p: Promise<unknown>) => p.then(list.reload, (e) => { notifyError(e); list.reload(); });

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setSubmitOpen(true)} data-testid="job-new">{t('newJob')}</Button>
        <Button icon={<ReloadOutlined />} onClick={list.reload}>{t('common:actions.refresh')}</Button>
        <Button icon={<SendOutlined />} onClick={() => act(api.jobs.flushOutbox.mutate())}>{t('flushOutbox')}</Button>
        <Button icon={<CloudServerOutlined />} onClick={() => setBackendsOpen(true)} data-testid="jobs-backends">{t('backends.title')}</Button>
        <Typography.Text type="secondary">{t('total', { total: list.data?.length ?? 0 })}</Typography.Text>
        {list.error && <Typography.Text type="danger">{list.error.message}</Typography.Text>}
      </Space>
      <Table<Job>
        data-testid="jobs-table"
        rowKey="id"
        size="small"
        virtual
        loading={list.loading}
        scroll={{ x: 1550, y: 'calc(100vh - 230px)' as unknown as number }}
        pagination={false}
        dataSource={[...(list.data ?? [])].reverse()}
        onRow={(r) => ({ onDoubleClick: () => setDetail(r.id) })}
        columns={[
          { title: t('columns.id'), dataIndex: 'id', width: 70 },
          { title: t('columns.name'), dataIndex: 'name', width: 160, ellipsis: true, render: (v: string, r) => <a onClick={() => setDetail(r.id)}>{v}</a> },
          { title: t('columns.phase'), dataIndex: 'phase', width: 100, render: (v: string) => <Tag color={PHASE_COLORS[v]}>{t(`phases.${v}`)}</Tag> },
          { title: t('columns.state'), dataIndex: 'state', width: 110, render: (v: string | null) => (v ? <Tag color={STATE_COLORS[v]}>{t(`states.${v}`)}</Tag> : '') },
          { title: t('columns.rawState'), dataIndex: 'rawState', width: 130, ellipsis: true },
          { title: t('columns.backend'), dataIndex: 'backend', width: 100 },
          { title: t('columns.backendId'), dataIndex: 'backendJobId', width: 220, ellipsis: true },
          { title: t('columns.nodes'), dataIndex: 'nodes', width: 120, ellipsis: true },
          { title: t('columns.template'), dataIndex: 'template', width: 140 },
          { title: t('columns.note'), dataIndex: 'lastError', ellipsis: true },
          {
            title: t('columns.actions'), key: 'actions', width: 250, fixed: 'right' as const, render: (_: unknown, r) => (
              <Space size="small">
                {r.phase !== 'submitted' && <a onClick={() => act(api.jobs.send.mutate({ id: r.id }))}>{t('actions.send')}</a>}
                {r.phase === 'submitted' && <Popconfirm title={t('actions.cancelConfirm')} onConfirm={() => act(api.jobs.cancel.mutate({ id: r.id }))}><a>{t('actions.cancel')}</a></Popconfirm>}
                {r.phase === 'submitted' && (r.state === 'running' || r.state === 'queued' || r.state === 'scheduling') && <a onClick={() => act(api.jobs.control.mutate({ id: r.id, action: 'suspend' }))} data-testid={`job-suspend-${r.id}`}>{t('actions.suspend')}</a>}
                {r.phase === 'submitted' && (r.state === 'paused' || r.state === 'pausing') && <a onClick={() => act(api.jobs.control.mutate({ id: r.id, action: 'resume' }))} data-testid={`job-resume-${r.id}`}>{t('actions.resume')}</a>}
                {r.phase === 'submitted' && <a onClick={() => act(api.jobs.rerun.mutate({ id: r.id }))}>{t('actions.rerun')}</a>}
              </Space>
            ),
          },
        ]}
      />
      <SubmitDrawer open={submitOpen} onClose={() => setSubmitOpen(false)} onDone={list.reload} />
      <JobDetailDrawer id={detail} onClose={() => setDetail(null)} />
      <BackendsDrawer open={backendsOpen} onClose={() => setBackendsOpen(false)} />
    </Space>
  );
}
