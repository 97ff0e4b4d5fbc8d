import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Checkbox, Input, InputNumber, Progress, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, appErrorOf } from '../../api/client';
import { NodeSetInput } from '../../components/NodeSetInput';
import type { ExecEvent, ExecGroup, ExecNodeResult, ExecSummary } from '../../../../shared/contract/schemas/exec';

const STATUS_COLOR: Record<string, string> = { ok: 'green', failed: 'red', unreachable: 'volcano', timeout: 'orange', error: 'magenta', cancelled: 'default' };

/**
 * Parallel exec over a node set: per-node results stream in (applied once per animation frame so
 * a thousand nodes finishing together cost one render), then identical outputs fold by node set.
 */
export function ExecPanel() {
  const { t } = useTranslation('consoles');
  const [nodeset, setNodeset] = useState('');
  const [command, setCommand] = useState('');
  const [fanout, setFanout] = useState(64);
  const [commandTimeout, setCommandTimeout] = useState(0);
  const [acceptNew, setAcceptNew] = useState(false);
  const [total, setTotal] = useState(0);
  const [results, setResults] = useState<ExecNodeResult[]>([]);
  const [summary, setSummary] = useState<ExecSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const sub = useRef<{ unsubscribe(): void } | null>(null);
  const pending = useRef<ExecNodeResult[]>([]);
  const frame = useRef<number | null>(null);

  useEffect(() => () => sub.current?.unsubscribe(), []);

  const flush = () => {
    frame.current = null;
    const batch = pending.current.splice(0);
    if (batch.length) setResults((r) => r.concat(batch));
  };

  const run = () => {
    if (!nodeset.trim() || !command.trim()) return;
    sub.current?.unsubscribe();
    setResults([]); setSummary(null); setError(null); setTotal(0); setRunning(true);
    sub.current = api.exec.run.subscribe({ nodeset, command, fanout, commandTimeoutS: commandTimeout, acceptNew }, {
      onData: (e: ExecEvent) => {
        if (e.type === 'started') setTotal(e.total);
        else if (e.type === 'node') {
          pending.current.push(e.result);
          frame.current ??= requestAnimationFrame(flush);
        } else { flush(); setSummary(e.summary); setRunning(false); }
      },
      onError: (err) => { setError(appErrorOf(err).message); setRunning(false); },
      onComplete: () => setRunning(false),
    });
  };

  const cancel = () => { sub.current?.unsubscribe(); sub.current = null; flush(); setRunning(false); };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap align="start">
        <div style={{ width: 360 }}><NodeSetInput value={nodeset} onChange={setNodeset} testId="exec-nodes" /></div>
        <Input style={{ width: 420, fontFamily: 'monospace' }} placeholder={t('exec.command')} value={command} onChange={(e) => setCommand(e.target.value)} onPressEnter={run} data-testid="exec-command" />
        <Space.Compact><Button disabled>{t('exec.fanout')}</Button><InputNumber min={1} max={1024} value={fanout} onChange={(v) => setFanout(v ?? 64)} style={{ width: 80 }} /></Space.Compact>
        <Space.Compact><Button disabled>{t('exec.timeout')}</Button><InputNumber min={0} max={86400} value={commandTimeout} onChange={(v) => setCommandTimeout(v ?? 0)} style={{ width: 80 }} /></Space.Compact>
        <Checkbox checked={acceptNew} onChange={(e) => setAcceptNew(e.target.checked)}>{t('exec.acceptNew')}</Checkbox>
        {running ? <Button danger onClick={cancel} data-testid="exec-cancel">{t('exec.cancel')}</Button>
          : <Button type="primary" onClick={run} disabled={!nodeset.trim() || !command.trim()} data-testid="exec-run">{t('exec.run')}</Button>}
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      {total > 0 && <Progress percent={Math.round((results.length / total) * 100)} format={() => `${results.length} / ${total}`} status={running ? 'active' : undefined} />}
      {summary && <Alert type={summary.counts.ok === summary.total ? 'success' : 'warning'} showIcon message={summary.line} data-testid="exec-summary" />}
      {summary && summary.groups.map((g: ExecGroup) => (
        <Card key={g.nodes} size="small" data-testid="exec-group"
          title={<Space><Typography.Text code>{g.nodes}</Typography.Text><span>({g.count})</span><Tag color={STATUS_COLOR[g.status]}>{t(`exec.status.${g.status}`)}{g.exitCode !== null && g.exitCode !== 0 ? ` ${g.exitCode}` : ''}</Tag></Space>}>
          <pre style={{ margin: 0, maxHeight: 240, overflow: 'auto', fontSize: 12 }}>{g.error ? g.error.message : `${g.stdout}${g.stderr}`}{g.truncated ? `\n${t('exec.truncated')}` : ''}</pre>
        </Card>
      ))}
      {!summary && results.length > 0 && (
        <Table<ExecNodeResult>
          size="small" rowKey="name" virtual pagination={false} scroll={{ y: 420 }} dataSource={results}
          columns={[
            { title: t('exec.node'), dataIndex: 'name', width: 160 },
            { title: t('exec.result'), dataIndex: 'status', width: 130, render: (s: string, r) => <Tag color={STATUS_COLOR[s]}>{t(`exec.status.${s}`)}{r.exitCode ? ` ${r.exitCode}` : ''}</Tag> },
            { title: t('exec.elapsed'), dataIndex: 'elapsedMs', width: 100, render: (v: number) => `${Math.round(v)} ms` },
            { title: t('exec.output'), key: 'out', ellipsis: true, render: (_, r) => r.error?.message ?? (r.stdout || r.stderr).split('\n')[0] },
          ]}
        />
      )}
    </Space>
  );
}
