import { useEffect, useRef, useState } from 'react';
import { Space, Switch, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';

const MAX_LINES = 2000;
const pre = { background: 'rgba(127,127,127,0.1)', padding: 12, maxHeight: 360, overflow: 'auto', whiteSpace: 'pre-wrap' as const, margin: 0 };

/** A Kubernetes job's pods, events and log tail (last 2,000 lines), with follow. */
export function KubeDetail({ id, active }: { id: number; active: boolean }) {
  const { t } = useTranslation('jobs');
  const pods = useCall(() => api.jobs.pods.query({ id }), [id], ['jobs']);
  const events = useCall(() => api.jobs.events.query({ id }), [id], ['jobs']);
  const [follow, setFollow] = useState(active);
  const [lines, setLines] = useState<string[]>([]);
  const [logError, setLogError] = useState<string | null>(null);
  const logRef = useRef<HTMLPreElement>(null);
  // Read when each line arrives: the pod list loading later must not restart the follow (and clear its lines).
  const many = useRef(false);
  many.current = (pods.data?.length ?? 0) > 1;

  useEffect(() => {
    setLines([]);
    setLogError(null);
    if (!follow) {
      let stale = false;
      api.jobs.logs.query({ id, tailBytes: MAX_LINES * 80 }).then(
        (r) => { if (!stale) setLines(r.text.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1).slice(-MAX_LINES)); },
        (e: Error) => { if (!stale) setLogError(e.message); },
      );
      return () => { stale = true; };
    }
    // Followed lines arrive in bursts; render at most every 100 ms.
    let buffer: string[] = [];
    const timer = setInterval(() => {
      if (!buffer.length) return;
      const add = buffer;
      buffer = [];
      setLines((prev) => [...prev, ...add].slice(-MAX_LINES));
    }, 100);
    const sub = api.jobs.followLogs.subscribe({ id, tailLines: MAX_LINES }, {
      onData: (l) => { buffer.push(many.current ? `[${l.pod}] ${l.line}` : l.line); },
      onError: (e) => setLogError(e.message),
    });
    return () => { clearInterval(timer); sub.unsubscribe(); };
  }, [id, follow]);

  useEffect(() => {
    const el = logRef.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [lines, follow]);

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="kube-detail">
      <Typography.Text strong>{t('kube.pods')}</Typography.Text>
      <Table size="small" rowKey="name" pagination={false} data-testid="kube-pods" loading={pods.loading}
        dataSource={pods.data ?? []}
        columns={[
          { title: t('kube.pod'), dataIndex: 'name' },
          { title: t('kube.role'), dataIndex: 'role', width: 90 },
          { title: t('kube.phase'), dataIndex: 'phase', width: 100, render: (v: string) => <Tag color={v === 'Running' ? 'processing' : v === 'Succeeded' ? 'green' : v === 'Failed' ? 'red' : 'default'}>{v}</Tag> },
          { title: t('kube.node'), dataIndex: 'node', width: 140 },
        ]} />
      {pods.error && <Typography.Text type="danger">{pods.error.message}</Typography.Text>}
      <Typography.Text strong>{t('kube.events')}</Typography.Text>
      <Table size="small" rowKey={(e) => `${e.object.name}-${e.reason}-${e.lastTime}`} pagination={false} data-testid="kube-events" scroll={{ y: 200 }}
        dataSource={events.data ?? []}
        columns={[
          { title: t('kube.lastSeen'), dataIndex: 'lastTime', width: 200 },
          { title: t('kube.type'), dataIndex: 'type', width: 80, render: (v: string) => <Tag color={v === 'Warning' ? 'orange' : 'default'}>{v}</Tag> },
          { title: t('kube.reason'), dataIndex: 'reason', width: 170 },
          { title: t('kube.message'), dataIndex: 'message', ellipsis: true },
        ]} />
      <Space>
        <Typography.Text strong>{t('kube.logs')}</Typography.Text>
        <Switch size="small" checked={follow} onChange={setFollow} data-testid="kube-follow" />
        <Typography.Text type="secondary">{t('kube.follow')}</Typography.Text>
      </Space>
      {logError && <Typography.Text type="danger">{logError}</Typography.Text>}
      <pre ref={logRef} style={pre} data-testid="kube-log">{lines.join('\n')}</pre>
    </Space>
  );
}
