import { useEffect, useMemo, useState } from 'react';
import { Button, Drawer, Input, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { CloudServerOutlined, PlusOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import { isFinishedState, JOB_STATES, type Job } from '../../../../shared/contract/schemas/jobs';
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
  // Follow: re-read the output's tail every 2 s while the job can still write to it.
  const [follow, setFollow] = useState(true);
  const live = !!j && !kube && j.phase === 'submitted' && !isFinishedState(j.state);
  const reloadLogs = logs.reload;
  useEffect(() => {
    if (!follow || !live) return;
    const timer = setInterval(reloadLogs, 2000);
    return () => clearInterval(timer);
  }, [follow, live, reloadLogs]);
  return (
    <Drawer open={id !== null} onClose={onClose} width={820} title={j ? `${j.id} · ${j.name}` : ''} data-testid="job-detail">
      {j && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('columns.state')}: <Tag color={STATE_COLORS[j.state ?? '']}>{j.state ? t(`states.${j.state}`) : t(`phases.${j.phase}`)}</Tag> {j.rawState}</Typography.Text>
          {j.lastError && <Typography.Text type="danger">{j.lastError}</Typography.Text>}
          {j.rendered?.spec.endpoints.map((e) => <Typography.Text key={e.name}>{e.name}: {j.nodes ?? '?'}:{e.port}</Typography.Text>)}
          {j.reason && <Typography.Text type="secondary">{j.reason}</Typography.Text>}
          {j.hookUrl && <Typography.Text type="secondary" data-testid="job-hook-result">{t('hook')}: {j.hookUrl} — {j.hookResult ?? '…'}</Typography.Text>}
          {kube && j.phase === 'submitted' && <KubeDetail id={j.id} active={!!j.state && !isFinishedState(j.state)} />}
          <Typography.Text strong>{kube ? t('manifest') : t('script')}</Typography.Text>
          <pre style={{ background: 'rgba(127,127,127,0.1)', padding: 12, whiteSpace: 'pre-wrap' }} data-testid="job-detail-text">{j.rendered?.text}</pre>
          {!kube && (
            <Space>
              <Typography.Text strong>{t('output')} {logs.data?.path}</Typography.Text>
              {live && <Switch size="small" checked={follow} onChange={setFollow} checkedChildren={t('follow')} unCheckedChildren={t('follow')} data-testid="job-log-follow" />}
            </Space>
          )}
          {!kube && <pre style={{ background: 'rgba(127,127,127,0.1)', padding: 12, maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap' }} data-testid="job-log">{logs.error ? logs.error.message : logs.data?.text}</pre>}
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
  const [states, setStates] = useState<string[]>([]);
  const [backend, setBackend] = useState<string | undefined>();
  const [text, setText] = useState('');
  const [since, setSince] = useState<number>(0);
  const backends = useMemo(() => [...new Set((list.data ?? []).map((r) => r.backend).filter((b): b is string => !!b))].sort(), [list.data]);
  // Newest first; filtering 50,000 rows here is a few milliseconds and keeps the table's data stable between renders.
  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const after = since ? new Date(Date.now() - since * 3600_000).toISOString() : '';
    const out: Job[] = [];
    const all = list.data ?? [];
    for (let i = all.length - 1; i >= 0; i--) {
      const r = all[i];
      if (states.length && !states.includes(r.state ?? r.phase)) continue;
      if (backend && r.backend !== backend) continue;
      if (after && (r.submittedAt ?? r.createdAt) < after) continue;
      if (needle && ![String(r.id), r.name, r.backendJobId ?? '', r.nodes ?? '', r.template].some((f) => f.toLowerCase().includes(needle))) continue;
      out.push(r);
    }
    return out;
  }, [list.data, states, backend, text, since]);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setSubmitOpen(true)} data-testid="job-new">{t('newJob')}</Button>
        <Button icon={<ReloadOutlined />} onClick={list.reload}>{t('common:actions.refresh')}</Button>
        <Button icon={<SendOutlined />} onClick={() => act(api.jobs.flushOutbox.mutate())}>{t('flushOutbox')}</Button>
        <Button icon={<CloudServerOutlined />} onClick={() => setBackendsOpen(true)} data-testid="jobs-backends">{t('backends.title')}</Button>
        {list.error && <Typography.Text type="danger">{list.error.message}</Typography.Text>}
      </Space>
      <Space wrap data-testid="jobs-filters">
        <Select mode="multiple" allowClear placeholder={t('filters.state')} style={{ minWidth: 220 }} value={states} onChange={setStates} data-testid="jobs-filter-state"
          options={[...JOB_STATES.map((v) => ({ value: v, label: t(`states.${v}`) })), { value: 'draft', label: t('phases.draft') }, { value: 'outbox', label: t('phases.outbox') }]} />
        <Select allowClear placeholder={t('filters.backend')} style={{ width: 160 }} value={backend} onChange={setBackend} options={backends.map((b) => ({ value: b, label: b }))} />
        <Select style={{ width: 150 }} value={since} onChange={setSince} options={[0, 1, 24, 24 * 7, 24 * 30].map((h) => ({ value: h, label: t(`filters.since.${h}`) }))} />
        <Input.Search allowClear placeholder={t('filters.text')} style={{ width: 280 }} onSearch={setText} onChange={(e) => { if (!e.target.value) setText(''); }} data-testid="jobs-search" />
        <Typography.Text type="secondary" data-testid="jobs-total">{t('shown', { shown: rows.length, total: list.data?.length ?? 0 })}</Typography.Text>
      </Space>
      <Table<Job>
        data-testid="jobs-table"
        rowKey="id"
        size="small"
        virtual
        loading={list.loading}
        scroll={{ x: 1550, y: 'calc(100vh - 230px)' as unknown as number }}
        pagination={false}
        dataSource={rows}
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
                {r.phase === 'submitted' && !isFinishedState(r.state) && <Popconfirm title={t('actions.cancelConfirm')} onConfirm={() => act(api.jobs.cancel.mutate({ id: r.id }))}><a>{t('actions.cancel')}</a></Popconfirm>}
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
