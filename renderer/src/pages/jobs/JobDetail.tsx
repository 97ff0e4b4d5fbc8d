import { useEffect, useState } from 'react';
import { Button, Descriptions, Drawer, Popconfirm, Space, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import { isFinishedState, type Job } from '../../../../shared/contract/schemas/jobs';
import { KubeDetail } from './KubeDetail';
import { EndpointsPanel } from './EndpointsPanel';

export const STATE_COLORS: Record<string, string> = { queued: 'default', scheduling: 'blue', running: 'processing', pausing: 'orange', paused: 'orange', succeeded: 'green', failed: 'red', cancelled: 'default', unknown: 'default' };
const pre = { background: 'rgba(127,127,127,0.1)', padding: 12, whiteSpace: 'pre-wrap' as const };

/** What can be done to a job now (shown in its detail; the table's rows stay plain text). */
function JobActions({ j, onDone }: { j: Job; onDone: () => void }) {
  const { t } = useTranslation('jobs');
  const notifyError = useErrorNotice();
  const act = (p: Promise<unknown>) => p.then(onDone, (e) => { notifyError(e); onDone(); });
  const submitted = j.phase === 'submitted';
  return (
    <Space wrap data-testid="job-actions">
      {!submitted && <Button type="primary" onClick={() => act(api.jobs.send.mutate({ id: j.id }))} data-testid="job-action-send">{t('actions.send')}</Button>}
      {submitted && !isFinishedState(j.state) && (
        <Popconfirm title={t('actions.cancelConfirm')} onConfirm={() => act(api.jobs.cancel.mutate({ id: j.id }))}>
          <Button danger data-testid="job-action-cancel">{t('actions.cancel')}</Button>
        </Popconfirm>
      )}
      {submitted && (j.state === 'running' || j.state === 'queued' || j.state === 'scheduling') && <Button onClick={() => act(api.jobs.control.mutate({ id: j.id, action: 'suspend' }))} data-testid="job-action-suspend">{t('actions.suspend')}</Button>}
      {submitted && (j.state === 'paused' || j.state === 'pausing') && <Button onClick={() => act(api.jobs.control.mutate({ id: j.id, action: 'resume' }))} data-testid="job-action-resume">{t('actions.resume')}</Button>}
      {submitted && <Button onClick={() => act(api.jobs.rerun.mutate({ id: j.id }))} data-testid="job-action-rerun">{t('actions.rerun')}</Button>}
    </Space>
  );
}

/** One job: state, actions, endpoints while it runs, script/manifest, output (Slurm) or pods/events/logs (Kubernetes). */
export function JobDetailDrawer({ id, onClose, onChanged }: { id: number | null; onClose: () => void; onChanged: () => void }) {
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
  const running = !!j && j.phase === 'submitted' && j.state === 'running';
  return (
    <Drawer open={id !== null} onClose={onClose} width={860} title={j ? `${j.id} · ${j.name}` : ''} data-testid="job-detail">
      {j && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Tag color={STATE_COLORS[j.state ?? '']} data-testid="job-detail-state">{j.state ? t(`states.${j.state}`) : t(`phases.${j.phase}`)}</Tag>
            <Typography.Text type="secondary">{j.rawState}</Typography.Text>
            <JobActions j={j} onDone={() => { detail.reload(); onChanged(); }} />
          </Space>
          <Descriptions size="small" column={3} bordered
            items={[
              { key: 'backend', label: t('columns.backend'), children: j.backend ?? '-' },
              { key: 'backendId', label: t('columns.backendId'), children: j.backendJobId ?? '-' },
              { key: 'nodes', label: t('columns.nodes'), children: j.nodes ?? '-' },
              { key: 'user', label: t('columns.user'), children: j.user ?? '-' },
              { key: 'queue', label: t('columns.queue'), children: j.queue ?? '-' },
              { key: 'template', label: t('columns.template'), children: `${j.template} v${j.templateVersion}` },
            ]} />
          {j.lastError && <Typography.Text type="danger">{j.lastError}</Typography.Text>}
          {j.reason && <Typography.Text type="secondary">{j.reason}</Typography.Text>}
          {j.hookUrl && <Typography.Text type="secondary" data-testid="job-hook-result">{t('hook')}: {j.hookUrl} — {j.hookResult ?? '…'}</Typography.Text>}
          {running && <EndpointsPanel id={j.id} />}
          {kube && j.phase === 'submitted' && <KubeDetail id={j.id} active={!!j.state && !isFinishedState(j.state)} />}
          <Typography.Text strong>{kube ? t('manifest') : t('script')}</Typography.Text>
          <pre style={pre} data-testid="job-detail-text">{j.rendered?.text}</pre>
          {!kube && (
            <Space>
              <Typography.Text strong>{t('output')} {logs.data?.path}</Typography.Text>
              {live && <Switch size="small" checked={follow} onChange={setFollow} checkedChildren={t('follow')} unCheckedChildren={t('follow')} data-testid="job-log-follow" />}
            </Space>
          )}
          {!kube && <pre style={{ ...pre, maxHeight: 320, overflow: 'auto' }} data-testid="job-log">{logs.error ? logs.error.message : logs.data?.text}</pre>}
        </Space>
      )}
    </Drawer>
  );
}
