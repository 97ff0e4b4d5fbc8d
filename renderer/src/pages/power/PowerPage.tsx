import { useMemo, useState } from 'react';
import { Alert, App, Button, Space } from 'antd';
import { RedoOutlined, SafetyCertificateOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { NodeSetInput } from '../../components/NodeSetInput';
import { errorText, useErrorNotice } from '../../components/errors';
import { isDestructive, type PowerAction, type RunOptions } from '../../../../shared/contract/schemas/power';
import { PowerActions, toRunOptions, type UiOptions } from './PowerActions';
import { PowerSummary } from './PowerSummary';
import { PowerTable } from './PowerTable';
import { TargetPicker } from './TargetPicker';
import { TrustDialog } from './TrustDialog';
import { failedNodeset, untrusted } from './rows';
import { usePowerBatch } from './usePowerBatch';

/**
 * Batch power: pick nodes (a node set, groups, racks), run an action over their BMCs, watch each
 * node's result arrive, read the folded summary, retry what failed.
 */
export function PowerPage() {
  const { t, i18n } = useTranslation('power');
  const { modal, message } = App.useApp();
  const notifyError = useErrorNotice();
  const [nodeset, setNodeset] = useState('');
  const [options, setOptions] = useState<UiOptions>({ fanout: null, timeoutS: null, staggerMs: null, persistent: false, uefi: false });
  const [last, setLast] = useState<{ action: PowerAction; extra?: Partial<RunOptions> } | null>(null);
  const [trusting, setTrusting] = useState(false);
  const batch = usePowerBatch();
  // Derived from every row: only once the batch is over, not on each frame of a running one.
  const { failed, failedCount, certs } = useMemo(() => {
    if (batch.running) return { failed: '', failedCount: 0, certs: [] };
    const f = failedNodeset(batch.rows);
    return { failed: f, failedCount: batch.rows.filter((r) => r.state !== 'ok' && r.state !== 'pending' && r.state !== 'running').length, certs: untrusted(batch.rows) };
  }, [batch.rows, batch.running]);

  /** Destructive actions first say how many nodes they hit, and which. */
  const confirmThen = (expr: string, action: PowerAction, go: () => void) => {
    if (!isDestructive(action)) return go();
    api.inventory.previewNodeSet.query({ expr }).then((p) => {
      if (p.unknown.length) return void message.warning(t('unknownNodes', { nodes: p.unknownFolded }));
      const label = t(`actions.${action}`);
      modal.confirm({
        title: t('confirm.title', { action: label, count: p.count }),
        content: <span data-testid="power-confirm-nodes">{t('confirm.detail', { nodes: p.folded.length > 300 ? `${p.folded.slice(0, 300)}…` : p.folded })}</span>,
        okText: t('confirm.ok', { action: label, count: p.count }),
        okButtonProps: { danger: true, id: 'power-confirm' },
        onOk: go,
      });
    }, notifyError);
  };

  const run = (action: PowerAction, extra?: Partial<RunOptions>) => {
    if (!nodeset.trim()) return void message.warning(t('noNodes'));
    setLast({ action, extra });
    confirmThen(nodeset, action, () => batch.start({ nodeset, action, options: { ...toRunOptions(options), ...extra } }));
  };
  const retry = () => {
    if (!last || !failed) return;
    confirmThen(failed, last.action, () => batch.start({ nodeset: failed, action: last.action, options: { ...toRunOptions(options), ...last.extra }, merge: true }));
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Space wrap align="start">
        <div style={{ width: 420 }}>
          <NodeSetInput value={nodeset} onChange={setNodeset} placeholder={t('nodesetPlaceholder')} testId="power-nodeset" />
        </div>
        <TargetPicker value={nodeset} onChange={setNodeset} />
        <PowerActions disabled={batch.running} options={options} onOptions={setOptions} onAction={run} />
      </Space>
      <Space wrap>
        <Button icon={<StopOutlined />} danger disabled={!batch.running} onClick={batch.cancel} data-testid="power-cancel">{t('cancel')}</Button>
        <Button icon={<RedoOutlined />} disabled={batch.running || !failed} onClick={retry} data-testid="power-retry">
          {t('retryFailed', { count: failedCount })}
        </Button>
        {certs.length > 0 && !batch.running && (
          <Button icon={<SafetyCertificateOutlined />} onClick={() => setTrusting(true)} data-testid="power-trust">{t('trust.button', { count: certs.length })}</Button>
        )}
      </Space>
      {batch.error && <Alert type="error" showIcon message={errorText(batch.error, t, i18n.language)} data-testid="power-error" />}
      <PowerSummary rows={batch.rows} running={batch.running} />
      <PowerTable rows={batch.rows} />
      {trusting && <TrustDialog items={certs} onClose={() => setTrusting(false)} />}
    </Space>
  );
}
