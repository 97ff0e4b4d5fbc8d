import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, InputNumber, Popconfirm, Select, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { errorText, useErrorNotice } from '../../components/errors';
import type { BackendQueues, NodeSummary, PartitionSummary, UsageRow, VolcanoQueue } from '../../../../shared/contract/schemas/queues';
import type { AppErrorData } from '../../../../shared/errors';
import { QueueForm, type QueueFormValues } from './QueueForm';

const STATE_COLORS: Record<string, string> = { UP: 'green', Open: 'green', DOWN: 'red', Closed: 'red', DRAIN: 'orange', Closing: 'orange', INACTIVE: 'default' };
const rl = (r: Record<string, string> | null) => (r ? Object.entries(r).map(([k, v]) => <Tag key={k}>{k}={v}</Tag>) : <Typography.Text type="secondary">—</Typography.Text>);
const dash = (v: number | null) => (v === null ? <Typography.Text type="secondary">—</Typography.Text> : v);

/** "idle / allocated / down of total" as small coloured figures. */
function Counts({ c, testid }: { c: { total: number; idle: number | null; allocated: number | null; down: number }; testid?: string }) {
  const { t } = useTranslation('queues');
  return (
    <Space size={4} data-testid={testid}>
      <Tooltip title={t('counts.idle')}><Tag color="green">{c.idle ?? '?'}</Tag></Tooltip>
      <Tooltip title={t('counts.allocated')}><Tag color="blue">{c.allocated ?? '?'}</Tag></Tooltip>
      <Tooltip title={t('counts.down')}><Tag color={c.down ? 'red' : 'default'}>{c.down}</Tag></Tooltip>
      <Typography.Text type="secondary">/ {c.total}</Typography.Text>
    </Space>
  );
}

const NODE_COLORS: Record<NodeSummary['status'], string> = { idle: 'green', mixed: 'cyan', allocated: 'blue', down: 'red' };

/** The nodes of one partition (Apulis "Physical Cluster Node Status"). */
function NodesTable({ nodes, testid }: { nodes: NodeSummary[]; testid: string }) {
  const { t } = useTranslation('queues');
  return (
    <Table<NodeSummary>
      data-testid={testid}
      rowKey="name"
      size="small"
      pagination={nodes.length > 50 ? { pageSize: 50 } : false}
      dataSource={nodes}
      columns={[
        { title: t('columns.node'), dataIndex: 'name', sorter: (a, c) => a.name.localeCompare(c.name) },
        { title: t('columns.status'), dataIndex: 'status', width: 120, render: (v: NodeSummary['status']) => <Tag color={NODE_COLORS[v]}>{t(`nodeStatus.${v}`)}</Tag>, filters: (['idle', 'mixed', 'allocated', 'down'] as const).map((v) => ({ text: t(`nodeStatus.${v}`), value: v })), onFilter: (v, r) => r.status === v },
        { title: t('columns.slurmState'), dataIndex: 'state', width: 120 },
        { title: t('columns.nodeCpus'), dataIndex: 'cpus', width: 90 },
        { title: t('columns.nodeGpus'), dataIndex: 'gpus', width: 90 },
        { title: t('columns.reason'), dataIndex: 'reason', ellipsis: true },
      ]}
    />
  );
}

function PartitionsTable({ b }: { b: BackendQueues }) {
  const { t } = useTranslation('queues');
  return (
    <Table<PartitionSummary>
      data-testid={`partitions-${b.backend}`}
      rowKey="name"
      size="small"
      pagination={false}
      dataSource={b.partitions}
      expandable={{ expandedRowRender: (p) => <NodesTable nodes={b.nodes.filter((n) => n.partitions.includes(p.name))} testid={`partition-nodes-${b.backend}-${p.name}`} /> }}
      columns={[
        { title: t('columns.partition'), dataIndex: 'name', render: (v: string, r) => <Space>{v}{r.isDefault && <Tag>{t('default')}</Tag>}</Space>, sorter: (a, c) => a.name.localeCompare(c.name) },
        { title: t('columns.state'), dataIndex: 'state', width: 90, render: (v: string) => <Tag color={STATE_COLORS[v] ?? 'default'}>{v}</Tag> },
        { title: t('columns.nodes'), key: 'nodes', render: (_: unknown, r) => <Counts c={r.nodes} testid={`nodes-${b.backend}-${r.name}`} /> },
        { title: t('columns.cpus'), key: 'cpus', render: (_: unknown, r) => <Counts c={r.cpus} /> },
        { title: t('columns.gpus'), key: 'gpus', render: (_: unknown, r) => <Counts c={r.gpus} /> },
        { title: t('columns.running'), dataIndex: 'runningJobs', width: 90, render: dash },
        { title: t('columns.pending'), dataIndex: 'pendingJobs', width: 90, render: dash },
        { title: t('columns.nodeList'), dataIndex: 'nodeList', ellipsis: true },
      ]}
    />
  );
}

function VolcanoTable({ b, onEdit, onDelete }: { b: BackendQueues; onEdit: (q: VolcanoQueue) => void; onDelete: (q: VolcanoQueue) => void }) {
  const { t } = useTranslation('queues');
  return (
    <Table<VolcanoQueue>
      data-testid={`volcano-${b.backend}`}
      rowKey="name"
      size="small"
      pagination={false}
      dataSource={b.queues}
      scroll={{ x: 1200 }}
      columns={[
        { title: t('columns.name'), dataIndex: 'name', width: 150, sorter: (a, c) => a.name.localeCompare(c.name) },
        { title: t('columns.state'), dataIndex: 'state', width: 90, render: (v: string) => <Tag color={STATE_COLORS[v] ?? 'default'}>{v}</Tag> },
        { title: t('columns.weight'), dataIndex: 'weight', width: 100, sorter: (a, c) => a.weight - c.weight },
        { title: t('columns.reclaimable'), dataIndex: 'reclaimable', width: 130, render: (v: boolean) => (v ? t('yes') : t('no')) },
        { title: t('columns.deserved'), dataIndex: 'deserved', render: rl },
        { title: t('columns.guarantee'), dataIndex: 'guarantee', render: rl },
        { title: t('columns.capability'), dataIndex: 'capability', render: rl },
        { title: t('columns.allocated'), dataIndex: 'allocated', render: rl },
        { title: t('columns.available'), dataIndex: 'available', render: rl },
        { title: t('columns.jobs'), key: 'jobs', width: 230, render: (_: unknown, r) => t('jobsCount', r.jobs) },
        {
          title: t('columns.actions'), key: 'actions', width: 130, fixed: 'right', render: (_: unknown, r) => (
            <Space size="small">
              <a onClick={() => onEdit(r)} data-testid={`queue-edit-${r.name}`}>{t('edit')}</a>
              <Popconfirm title={t('deleteConfirm', { name: r.name })} onConfirm={() => onDelete(r)} okButtonProps={{ danger: true }}>
                <a data-testid={`queue-delete-${r.name}`}>{t('delete')}</a>
              </Popconfirm>
            </Space>
          ),
        },
      ]}
    />
  );
}

/** The Volcano table, kept current by a watch on the backend's queues (no polling). */
function VolcanoLive({ b, onEdit, onDelete }: { b: BackendQueues; onEdit: (q: VolcanoQueue) => void; onDelete: (q: VolcanoQueue) => void }) {
  const { t } = useTranslation('queues');
  const [queues, setQueues] = useState(b.queues);
  const [watchError, setWatchError] = useState<string | null>(null);
  useEffect(() => setQueues(b.queues), [b.queues]);
  useEffect(() => {
    const sub = api.queues.watch.subscribe({ backend: b.backend }, {
      onData: (qs) => { setQueues(qs); setWatchError(null); },
      onError: (e) => setWatchError(e.message),
    });
    return () => sub.unsubscribe();
  }, [b.backend]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {watchError && <Typography.Text type="warning">{t('watchStopped')}: {watchError}</Typography.Text>}
      <VolcanoTable b={{ ...b, queues }} onEdit={onEdit} onDelete={onDelete} />
    </Space>
  );
}

function QueuesTab() {
  const { t, i18n } = useTranslation('queues');
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const list = useCall(() => api.queues.list.query({}), [], ['queues', 'jobs']);
  // Slurm has nothing to watch: its counts are read again every 30 s while the page is open.
  useEffect(() => {
    const timer = setInterval(list.reload, 30_000);
    return () => clearInterval(timer);
  }, [list.reload]);
  const [form, setForm] = useState<{ backend: string; queue: VolcanoQueue | null } | null>(null);
  const err = (e: { code: string; message: string }) => errorText({ ...e, key: e.code, params: {} } as AppErrorData, t, i18n.language);

  const save = async (v: QueueFormValues) => {
    if (!form) return;
    try {
      if (form.queue) await api.queues.update.mutate({ backend: form.backend, ...v });
      else await api.queues.create.mutate({ backend: form.backend, ...v });
      message.success(t('saved', { name: v.name }));
      setForm(null);
      list.reload();
    } catch (e) {
      notifyError(e);
      throw e;
    }
  };
  const remove = (backend: string, q: VolcanoQueue) =>
    api.queues.remove.mutate({ backend, name: q.name }).then(() => { message.success(t('deleted', { name: q.name })); list.reload(); }, notifyError);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Button icon={<ReloadOutlined />} onClick={list.reload} loading={list.loading} data-testid="queues-refresh">{t('common:actions.refresh')}</Button>
        {list.error && <Typography.Text type="danger">{list.error.message}</Typography.Text>}
      </Space>
      {list.data?.length === 0 && <Alert type="info" showIcon message={t('noBackends')} />}
      {list.data?.map((b) => (
        <Card
          key={b.backend}
          size="small"
          data-testid={`queues-backend-${b.backend}`}
          title={<Space>{b.backend}<Tag>{b.kind === 'slurm' ? t('slurm') : t('volcano')}</Tag></Space>}
          extra={b.kind === 'volcano' && !b.error && <Button size="small" type="primary" icon={<PlusOutlined />} onClick={() => setForm({ backend: b.backend, queue: null })} data-testid={`queue-new-${b.backend}`}>{t('newQueue')}</Button>}
        >
          {b.error ? <Alert type={b.error.code === 'QUEUES_VOLCANO_MISSING' ? 'warning' : 'error'} showIcon message={err(b.error)} data-testid={`queues-error-${b.backend}`} />
            : b.kind === 'slurm' ? <PartitionsTable b={b} />
              : <VolcanoLive b={b} onEdit={(q) => setForm({ backend: b.backend, queue: q })} onDelete={(q) => remove(b.backend, q)} />}
        </Card>
      ))}
      <QueueForm open={form !== null} backend={form?.backend ?? ''} queue={form?.queue ?? null} onCancel={() => setForm(null)} onSubmit={save} />
    </Space>
  );
}

function UsageTab() {
  const { t, i18n } = useTranslation('queues');
  const backends = useCall(() => api.jobs.backends.query(), [], ['jobs']);
  const all = backends.data ?? [];
  const [picked, setPicked] = useState<string | undefined>();
  const [days, setDays] = useState(30);
  const backend = picked ?? all.find((b) => (b.kind as string) !== 'kubernetes')?.name ?? all[0]?.name;
  const kind = all.find((b) => b.name === backend)?.kind as string | undefined;
  const usage = useCall(() => (backend ? api.queues.usage.query({ backend, days }) : Promise.resolve(null)), [backend, days]);
  const u = usage.data;
  const rows: (UsageRow & { key: string; total?: boolean })[] = u ? [...u.rows.map((r) => ({ ...r, key: `${r.user}/${r.deviceType}` })), ...u.totals.map((r) => ({ ...r, key: `total/${r.deviceType}`, user: t('total'), total: true }))] : [];
  const hours = (v: number | null) => (v === null ? <Tooltip title={t('unknownIdle')}><Typography.Text type="secondary">—</Typography.Text></Tooltip> : v.toFixed(2));
  // The note in the UI's language; the service's English sentence stays for the CLI and logs.
  const note = u && (u.source === 'none' && kind === 'slurm-rest' ? t('notes.rest', { backend: u.backend }) : t(`notes.${u.source}`, { days, backend: u.backend }));

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Select style={{ minWidth: 200 }} value={backend} onChange={setPicked} options={all.map((b) => ({ value: b.name, label: `${b.name} (${b.kind})` }))} placeholder={t('backend')} data-testid="usage-backend" />
        <Space size={4}><Typography.Text>{t('days')}</Typography.Text><InputNumber min={1} max={366} precision={0} value={days} onChange={(v) => v && setDays(v)} /></Space>
        <Button icon={<ReloadOutlined />} onClick={usage.reload} loading={usage.loading} data-testid="usage-refresh">{t('common:actions.refresh')}</Button>
      </Space>
      {!backend && !backends.loading && <Alert type="info" showIcon message={t('noBackend')} />}
      {usage.error && <Alert type="error" showIcon data-testid="usage-error" message={errorText(usage.error, t, i18n.language)} />}
      {u && (
        <Alert
          type={u.source === 'slurmdbd' || u.source === 'kubernetes' ? 'info' : 'warning'}
          showIcon
          data-testid="usage-note"
          message={t(`source.${u.source}`)}
          description={<>{note}{u.detail && <div><Typography.Text type="secondary">{t('notes.detail', { detail: u.detail })}</Typography.Text></div>}</>}
        />
      )}
      <Table
        data-testid="usage-table"
        rowKey="key"
        size="small"
        pagination={false}
        loading={usage.loading}
        dataSource={rows}
        rowClassName={(r) => (r.total ? 'ant-table-row-selected' : '')}
        columns={[
          { title: t('columns.user'), dataIndex: 'user', render: (v: string, r) => (r.total ? <strong>{v}</strong> : v) },
          { title: t('columns.deviceType'), dataIndex: 'deviceType' },
          { title: t('columns.allocatedNow'), dataIndex: 'allocated', align: 'right' },
          { title: t('columns.allocatedPreemptible'), dataIndex: 'allocatedPreemptible', align: 'right', render: dash },
          { title: t('columns.idleNow'), dataIndex: 'idleNow', align: 'right', render: dash },
          { title: t('columns.running'), dataIndex: 'runningJobs', align: 'right' },
          { title: t('columns.bookedHours', { days }), dataIndex: 'bookedHours', align: 'right', render: (v: number) => v.toFixed(2) },
          { title: t('columns.idleHours', { days }), dataIndex: 'idleHours', align: 'right', render: hours },
          { title: t('columns.idlePercent'), dataIndex: 'idlePercent', align: 'right', render: (v: number | null) => (v === null ? dash(null) : `${v}%`) },
        ]}
      />
    </Space>
  );
}

export function QueuesPage() {
  const { t } = useTranslation('queues');
  return (
    <Tabs
      data-testid="queues-tabs"
      items={[
        { key: 'queues', label: <span data-testid="queues-tab-queues">{t('tabs.queues')}</span>, children: <QueuesTab /> },
        { key: 'usage', label: <span data-testid="queues-tab-usage">{t('tabs.usage')}</span>, children: <UsageTab /> },
      ]}
    />
  );
}
