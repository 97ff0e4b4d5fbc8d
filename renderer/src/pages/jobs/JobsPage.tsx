import { useMemo, useState } from 'react';
import { Button, Input, Select, Space, Typography, type TableColumnsType } from 'antd';
import { CloudServerOutlined, PlusOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { PageTable } from '../../components/PageTable';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import { JOB_STATES, type Job } from '../../../../shared/contract/schemas/jobs';
import { SubmitDrawer } from './SubmitDrawer';
import { BackendsDrawer } from './BackendsDrawer';
import { JobDetailDrawer } from './JobDetail';

/** Distinct non-empty values of one field, sorted (the filters' options). */
function distinct(rows: readonly Job[] | undefined, pick: (j: Job) => string | null): string[] {
  const seen = new Set<string>();
  for (const r of rows ?? []) {
    const v = pick(r);
    if (v) seen.add(v);
  }
  return [...seen].sort();
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
  const [user, setUser] = useState<string | undefined>();
  const [queue, setQueue] = useState<string | undefined>();
  const [text, setText] = useState('');
  const [since, setSince] = useState<number>(0);
  const backends = useMemo(() => distinct(list.data, (r) => r.backend), [list.data]);
  const users = useMemo(() => distinct(list.data, (r) => r.user), [list.data]);
  const queues = useMemo(() => distinct(list.data, (r) => r.queue), [list.data]);
  // Cells are plain text (no Tag, link or per-row buttons): a wheel through 50,000 rows re-renders only strings.
  // A row opens the job's detail, which holds its actions and endpoints.
  const stateText = useMemo(() => Object.fromEntries([...JOB_STATES, 'draft', 'outbox', 'submitted'].map((v) => [v, t(JOB_STATES.includes(v as never) ? `states.${v}` : `phases.${v}`)])), [t]);
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
      if (user && r.user !== user) continue;
      if (queue && r.queue !== queue) continue;
      if (after && (r.submittedAt ?? r.createdAt) < after) continue;
      if (needle && ![String(r.id), r.name, r.backendJobId ?? '', r.nodes ?? '', r.template, r.user ?? '', r.queue ?? ''].some((f) => f.toLowerCase().includes(needle))) continue;
      out.push(r);
    }
    return out;
  }, [list.data, states, backend, user, queue, text, since]);

  // Built once per language: the cells of rows already drawn are not rendered again when a filter changes.
  const columns = useMemo<TableColumnsType<Job>>(() => [
    { title: t('columns.id'), dataIndex: 'id', width: 70 },
    { title: t('columns.name'), dataIndex: 'name', width: 160, ellipsis: true },
    { title: t('columns.phase'), dataIndex: 'phase', width: 100, render: (v: string) => stateText[v] },
    { title: t('columns.state'), dataIndex: 'state', width: 110, render: (v: string | null) => (v ? stateText[v] : '') },
    { title: t('columns.rawState'), dataIndex: 'rawState', width: 130, ellipsis: true },
    { title: t('columns.backend'), dataIndex: 'backend', width: 100, ellipsis: true },
    { title: t('columns.user'), dataIndex: 'user', width: 100, ellipsis: true },
    { title: t('columns.queue'), dataIndex: 'queue', width: 110, ellipsis: true },
    { title: t('columns.backendId'), dataIndex: 'backendJobId', width: 220, ellipsis: true },
    { title: t('columns.nodes'), dataIndex: 'nodes', width: 120, ellipsis: true },
    { title: t('columns.template'), dataIndex: 'template', width: 140, ellipsis: true },
    { title: t('columns.note'), dataIndex: 'lastError', ellipsis: true },
  ], [t, stateText]);

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
        <Select allowClear showSearch placeholder={t('filters.user')} style={{ width: 150 }} value={user} onChange={setUser} options={users.map((u) => ({ value: u, label: u }))} data-testid="jobs-filter-user" />
        <Select allowClear showSearch placeholder={t('filters.queue')} style={{ width: 160 }} value={queue} onChange={setQueue} options={queues.map((q) => ({ value: q, label: q }))} data-testid="jobs-filter-queue" />
        <Select style={{ width: 150 }} value={since} onChange={setSince} options={[0, 1, 24, 24 * 7, 24 * 30].map((h) => ({ value: h, label: t(`filters.since.${h}`) }))} />
        <Input.Search allowClear placeholder={t('filters.text')} style={{ width: 280 }} onSearch={setText} onChange={(e) => { if (!e.target.value) setText(''); }} data-testid="jobs-search" />
        <Typography.Text type="secondary" data-testid="jobs-total">{t('shown', { shown: rows.length, total: list.data?.length ?? 0 })}</Typography.Text>
      </Space>
      <PageTable<Job>
        above={230}
        width={1400}
        recycleRows
        data-testid="jobs-table"
        rowKey="id"
        loading={list.loading}
        dataSource={rows}
        onRow={(r) => ({ onClick: () => setDetail(r.id), style: { cursor: 'pointer' } })}
        columns={columns}
      />
      <SubmitDrawer open={submitOpen} onClose={() => setSubmitOpen(false)} onDone={list.reload} />
      <JobDetailDrawer id={detail} onClose={() => setDetail(null)} onChanged={list.reload} />
      <BackendsDrawer open={backendsOpen} onClose={() => setBackendsOpen(false)} />
    </Space>
  );
}
