import { useState } from 'react';
import { Alert, App, Button, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { ImportOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, appErrorOf } from '../../api/client';
import { useErrorNotice } from '../../components/errors';
import type { SshConfigImportResult } from '../../../../shared/contract/schemas/sshconfig';

/** Import ~/.ssh/config (of the machine running ClusterDeck): a dry run first, then the import. */
export function SshConfigImport() {
  const { t } = useTranslation('consoles');
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const [open, setOpen] = useState(false);
  const [path, setPath] = useState('~/.ssh/config');
  const [plan, setPlan] = useState<SshConfigImportResult | null>(null);
  const [passphrases, setPassphrases] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const run = async (dryRun: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      const r = await api.sshconfig.import.mutate({ path, dryRun, update: false, passphrases });
      setPlan(r);
      if (!dryRun && r.imported > 0) { message.success(t('sshConfig.done', { count: r.imported })); setOpen(false); }
    } catch (e) {
      // A file that cannot be read or parsed is said inside the dialog, next to the path to fix.
      const data = appErrorOf(e);
      if (data.code.startsWith('SSHCONFIG_')) { setProblem(data.message); setPlan(null); }
      else notifyError(e);
    } finally {
      setBusy(false);
    }
  };

  const wanted = plan?.hosts.filter((h) => h.status === 'new' || h.status === 'update') ?? [];
  const locked = plan?.keys.filter((k) => k.status !== 'new' && k.status !== 'exists') ?? [];

  return (
    <>
      <Button icon={<ImportOutlined />} onClick={() => { setOpen(true); setPlan(null); void run(true); }} data-testid="sshconfig-open">{t('sshConfig.button')}</Button>
      <Modal open={open} width={980} title={t('sshConfig.title')} onCancel={() => setOpen(false)} destroyOnHidden
        footer={[
          <Button key="preview" onClick={() => void run(true)} loading={busy}>{t('sshConfig.preview')}</Button>,
          <Button key="import" type="primary" disabled={!wanted.length || busy} onClick={() => void run(false)} data-testid="sshconfig-import">{t('sshConfig.import', { count: wanted.length })}</Button>,
        ]}>
        <Space direction="vertical" style={{ width: '100%' }} data-testid="sshconfig-dialog">
          <Input addonBefore={t('sshConfig.file')} value={path} onChange={(e) => setPath(e.target.value)} onPressEnter={() => void run(true)} />
          {problem && <Alert type="error" showIcon message={problem} data-testid="sshconfig-problem" />}
          {plan && plan.patterns.length > 0 && <Typography.Text type="secondary">{t('sshConfig.patterns')} {plan.patterns.map((p) => <Tag key={p}>{p}</Tag>)}</Typography.Text>}
          {plan && (
            <Table size="small" rowKey="alias" pagination={false} scroll={{ y: 320 }} dataSource={plan.hosts}
              columns={[
                { title: t('sshConfig.alias'), dataIndex: 'alias' },
                { title: t('sshConfig.status'), dataIndex: 'status', render: (s: string) => <Tag color={s === 'new' ? 'green' : s === 'skipped' ? 'red' : undefined}>{t(`sshConfig.statuses.${s}`)}</Tag> },
                { title: t('sshConfig.endpoint'), render: (_, h) => `${h.user}@${h.hostname}:${h.port}` },
                { title: 'ProxyJump', dataIndex: 'jumpHost' },
                { title: t('sshConfig.credential'), dataIndex: 'credential' },
                { title: t('sshConfig.note'), dataIndex: 'reason' },
              ]} />
          )}
          {locked.map((k) => (
            <Space key={k.file} direction="vertical" style={{ width: '100%' }}>
              <Alert type="warning" showIcon message={`${k.file}: ${k.reason}`} />
              {(k.status === 'needs-passphrase' || k.status === 'wrong-passphrase') && (
                // In a form (browsers expect a password field in one): Enter checks the passphrase with a new dry run.
                <form onSubmit={(e) => { e.preventDefault(); void run(true); }}>
                  <Input.Password placeholder={t('sshConfig.passphrase', { file: k.file })} value={passphrases[k.file] ?? ''} autoComplete="off"
                    onChange={(e) => setPassphrases((p) => ({ ...p, [k.file]: e.target.value }))} />
                </form>
              )}
            </Space>
          ))}
          {plan?.warnings.map((w) => <Typography.Text key={w} type="secondary">{w}</Typography.Text>)}
        </Space>
      </Modal>
    </>
  );
}
