import { useState } from 'react';
import { App, Button, Card, Descriptions, Form, Input, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import { useUi } from '../../state/ui';
import { LANGUAGES } from '../../i18n';
import { CREDENTIAL_KINDS, type CredentialSummary } from '../../../../shared/contract/schemas/vault';

function VaultCard({ onChange }: { onChange(): void }) {
  const { t } = useTranslation('settings');
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const status = useCall(() => api.vault.status.query(), []);
  const [passphrase, setPassphrase] = useState('');
  const s = status.data;
  const unlock = () =>
    api.vault.unlock.mutate({ passphrase }).then(() => { setPassphrase(''); message.success(t('vault.unlocked')); status.reload(); onChange(); }, notifyError);
  return (
    <Card title={t('vault.title')} size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space>
          {t('vault.status')}:
          <Tag color={s?.unlocked ? 'green' : 'orange'}>{t(s?.unlocked ? 'common:vault.unlocked' : s?.initialized ? 'common:vault.locked' : 'common:vault.uninitialized')}</Tag>
          {s?.protections.map((p) => <Tag key={p}>{p}</Tag>)}
        </Space>
        {s && !s.unlocked && (
          <>
            <Typography.Text type="secondary">{t(s.initialized ? 'vault.unlockHint' : 'vault.initHint')}</Typography.Text>
            {/* A form of its own: Enter submits, and browsers expect a password field inside one. */}
            <form onSubmit={(e) => { e.preventDefault(); void unlock(); }}>
              <Space.Compact style={{ maxWidth: 420 }}>
                <Input.Password data-testid="vault-passphrase" value={passphrase} placeholder={t('vault.passphrase')} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" />
                <Button type="primary" htmlType="submit" disabled={!passphrase} data-testid="vault-unlock">{t('common:actions.unlock')}</Button>
              </Space.Compact>
            </form>
          </>
        )}
      </Space>
    </Card>
  );
}

interface CredForm { name: string; kind: CredentialSummary['kind']; username?: string; secret: string; passphrase?: string }

function CredentialsCard({ version }: { version: number }) {
  const { t } = useTranslation('settings');
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const list = useCall(() => api.vault.list.query(), [version], ['vault', 'inventory']);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<CredForm>();
  const kind = Form.useWatch('kind', form);

  const submit = async () => {
    const v = await form.validateFields();
    try {
      await api.vault.add.mutate({ name: v.name, kind: v.kind, username: v.username || null, secret: v.secret, passphrase: v.passphrase || null });
      message.success(t('credentials.added', { name: v.name }));
      form.resetFields();
      setOpen(false);
      list.reload();
    } catch (e) {
      notifyError(e);
    }
  };

  return (
    <Card title={t('credentials.title')} size="small" extra={<Button type="primary" size="small" onClick={() => setOpen(true)} data-testid="cred-add">{t('credentials.add')}</Button>}>
      <Table<CredentialSummary>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={list.data ?? []}
        data-testid="cred-table"
        columns={[
          { title: t('credentials.name'), dataIndex: 'name' },
          { title: t('credentials.kind'), dataIndex: 'kind', render: (k: string) => t(`credentials.kinds.${k}`) },
          { title: t('credentials.username'), dataIndex: 'username' },
          { title: t('credentials.usedBy'), dataIndex: 'usedBy', width: 100 },
          { title: t('credentials.updated'), dataIndex: 'updatedAt', render: (v: string) => v.replace('T', ' ').slice(0, 19) },
          {
            title: '', key: 'actions', width: 80,
            render: (_, c) => (
              <Popconfirm title={t('credentials.deleteConfirm', { name: c.name })} onConfirm={() => api.vault.remove.mutate({ name: c.name }).then(list.reload, notifyError)}>
                <Button size="small" danger type="link">{t('common:actions.delete')}</Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Modal open={open} title={t('credentials.add')} onCancel={() => setOpen(false)} onOk={submit} okText={t('common:actions.save')} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ kind: 'password' }}>
          <Form.Item name="name" label={t('credentials.name')} rules={[{ required: true, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/ }]}><Input data-testid="cred-name" /></Form.Item>
          <Form.Item name="kind" label={t('credentials.kind')}>
            <Radio.Group options={CREDENTIAL_KINDS.map((k) => ({ value: k, label: t(`credentials.kinds.${k}`) }))} />
          </Form.Item>
          <Form.Item name="username" label={t('credentials.username')}><Input data-testid="cred-user" autoComplete="off" /></Form.Item>
          <Form.Item name="secret" label={t('credentials.secret')} extra={t('credentials.secretHint')} rules={[{ required: true }]}>
            {kind === 'password' || kind === 'token' ? <Input.Password data-testid="cred-secret" autoComplete="new-password" /> : <Input.TextArea rows={6} spellCheck={false} data-testid="cred-secret" />}
          </Form.Item>
          {kind === 'ssh_key' && <Form.Item name="passphrase" label={t('credentials.keyPassphrase')}><Input.Password autoComplete="off" /></Form.Item>}
        </Form>
      </Modal>
    </Card>
  );
}

export function SettingsPage() {
  const { t } = useTranslation('settings');
  const { language, setLanguage, theme, setTheme } = useUi();
  const info = useCall(() => api.system.info.query(), []);
  const [version, setVersion] = useState(0);
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card title={t('general')} size="small">
        <Form layout="inline">
          <Form.Item label={t('common:language.label')}>
            <Select value={language} onChange={setLanguage} style={{ width: 140 }} options={LANGUAGES.map((l) => ({ value: l, label: l === 'en' ? 'English' : '简体中文' }))} />
          </Form.Item>
          <Form.Item label={t('common:theme.label')}>
            <Radio.Group value={theme} onChange={(e) => setTheme(e.target.value)} options={[{ value: 'light', label: t('common:theme.light') }, { value: 'dark', label: t('common:theme.dark') }]} optionType="button" />
          </Form.Item>
        </Form>
      </Card>
      <VaultCard onChange={() => setVersion((v) => v + 1)} />
      <CredentialsCard version={version} />
      <Card title={t('about.title')} size="small">
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('about.version')}>{info.data?.version}</Descriptions.Item>
          <Descriptions.Item label={t('about.dataDir')}><Typography.Text code copyable>{info.data?.dataDir}</Typography.Text></Descriptions.Item>
          <Descriptions.Item label={t('about.schema')}>{info.data?.schemaVersion}</Descriptions.Item>
        </Descriptions>
        <Typography.Text type="secondary">{t('about.backup')}</Typography.Text>
      </Card>
    </Space>
  );
}
