import { useEffect, useState } from 'react';
import { Alert, Button, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, appErrorOf } from '../../api/client';
import type { Forward } from '../../../../shared/contract/schemas/forwards';

const STATE_COLOR: Record<string, string> = { listening: 'green', stopped: 'default', failed: 'red' };

/** SSH local port forwards: add one (loopback by default), see them with connection counts, stop one or all. */
export function ForwardsPanel() {
  const { t } = useTranslation('consoles');
  const [node, setNode] = useState('');
  const [bind, setBind] = useState('127.0.0.1');
  const [localPort, setLocalPort] = useState(0);
  const [remote, setRemote] = useState('localhost:8888');
  const [list, setList] = useState<Forward[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [warning, setWarning] = useState<string | null>(null);

  const refresh = async () => { try { setList(await api.forwards.list.query()); } catch (err) { setError(appErrorOf(err).message); } };
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 2000); // connection counts change without events
    return () => clearInterval(timer);
  }, []);

  const add = async () => {
    setError(null); setWarning(null);
    const m = /^(?:\[(.+)\]|([^:\s]+)):(\d{1,5})$/.exec(remote.trim());
    if (!m) { setError(t('forwards.badRemote')); return; }
    try {
      const r = await api.forwards.add.mutate({ node, bindAddress: bind, localPort, remoteHost: m[1] ?? m[2], remotePort: Number(m[3]) });
      setWarning(r.warning);
      await refresh();
    } catch (err) { setError(appErrorOf(err).message); }
  };
  const run = async (fn: () => Promise<unknown>) => { try { await fn(); await refresh(); } catch (err) { setError(appErrorOf(err).message); } };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Input style={{ width: 180 }} placeholder={t('forwards.node')} value={node} onChange={(e) => setNode(e.target.value)} data-testid="fwd-node" />
        <Space.Compact><Button disabled>{t('forwards.bind')}</Button><Input style={{ width: 140 }} value={bind} onChange={(e) => setBind(e.target.value)} data-testid="fwd-bind" /></Space.Compact>
        <Space.Compact><Button disabled>{t('forwards.localPort')}</Button><InputNumber min={0} max={65535} value={localPort} onChange={(v) => setLocalPort(v ?? 0)} data-testid="fwd-local-port" /></Space.Compact>
        <Space.Compact><Button disabled>{t('forwards.remote')}</Button><Input style={{ width: 200 }} value={remote} onChange={(e) => setRemote(e.target.value)} data-testid="fwd-remote" /></Space.Compact>
        <Button type="primary" onClick={() => void add()} disabled={!node.trim()} data-testid="fwd-add">{t('forwards.add')}</Button>
        <Button danger onClick={() => void run(() => api.forwards.stopAll.mutate())} disabled={list.length === 0} data-testid="fwd-stop-all">{t('forwards.stopAll')}</Button>
      </Space>
      <Typography.Text type="secondary">{t('forwards.hint')}</Typography.Text>
      {warning && <Alert type="warning" showIcon message={warning} data-testid="fwd-warning" />}
      {error && <Alert type="error" showIcon message={error} closable onClose={() => setError(null)} data-testid="fwd-error" />}
      <Table<Forward>
        size="small" rowKey="id" pagination={false} dataSource={list} data-testid="fwd-table"
        columns={[
          { title: t('forwards.node'), dataIndex: 'node' },
          { title: t('forwards.local'), key: 'local', render: (_, f) => <Typography.Text copyable code>{f.url}</Typography.Text> },
          { title: t('forwards.remote'), key: 'remote', render: (_, f) => `${f.remoteHost}:${f.remotePort}` },
          { title: t('forwards.state'), key: 'state', render: (_, f) => <Tag color={STATE_COLOR[f.state]}>{t(`forwards.states.${f.state}`)}</Tag> },
          { title: t('forwards.connections'), key: 'conn', render: (_, f) => `${f.activeConnections} / ${f.totalConnections}` },
          { title: t('forwards.lastError'), dataIndex: 'lastError' },
          { title: '', key: 'stop', render: (_, f) => <Button size="small" onClick={() => void run(() => api.forwards.stop.mutate({ id: f.id }))} data-testid={`fwd-stop-${f.localPort}`}>{t('forwards.stop')}</Button> },
        ]}
      />
    </Space>
  );
}
