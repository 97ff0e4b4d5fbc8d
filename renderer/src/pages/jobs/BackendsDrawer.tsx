import { useState } from 'react';
import { Alert, Button, Drawer, Form, Input, Select, Space, Table, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, appErrorOf } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import type { Backend } from '../../../../shared/contract/schemas/jobs';

type Ctx = { name: string; cluster: string; server: string | null; user: string; namespace: string; current: boolean };

/** The context of a kubernetes backend, switchable among its kubeconfig's contexts. */
function ContextCell({ b, onDone }: { b: Backend; onDone: () => void }) {
  const notifyError = useErrorNotice();
  const [options, setOptions] = useState<Ctx[] | null>(null);
  if (b.kind !== 'kubernetes') return null;
  return (
    <Select size="small" style={{ width: 200 }} value={b.context ?? undefined} data-testid={`backend-context-${b.name}`}
      onDropdownVisibleChange={(open) => { if (open && !options) api.jobs.kubeContexts.query({ backend: b.name }).then(setOptions, notifyError); }}
      options={(options ?? (b.context ? [{ name: b.context, server: b.url } as Ctx] : [])).map((c) => ({ value: c.name, label: `${c.name} (${c.server ?? '?'})` }))}
      onChange={(context: string) => api.jobs.switchContext.mutate({ backend: b.name, context, namespace: b.namespace }).then(onDone, notifyError)} />
  );
}

/** Backends where jobs run; a Kubernetes one is added from a kubeconfig (kept in the vault) and a context. */
export function BackendsDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation('jobs');
  const notifyError = useErrorNotice();
  const backends = useCall(() => api.jobs.backends.query(), [], ['jobs']);
  const [form] = Form.useForm<{ name: string; kubeconfig: string; context?: string; namespace?: string }>();
  const [contexts, setContexts] = useState<Ctx[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const readContexts = (text: string) => {
    if (!text.trim()) { setContexts([]); return; }
    api.jobs.kubeContexts.query({ kubeconfig: text }).then(
      (list) => {
        setContexts(list);
        setProblem(null);
        if (!form.getFieldValue('context')) form.setFieldValue('context', list.find((c) => c.current)?.name ?? list[0]?.name);
      },
      (e) => { setContexts([]); setProblem(appErrorOf(e).message); },
    );
  };

  const add = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await api.jobs.addBackend.mutate({ name: v.name, kind: 'kubernetes', kubeconfig: v.kubeconfig, context: v.context ?? null, namespace: v.namespace || null });
      form.resetFields();
      setContexts([]);
      backends.reload();
    } catch (e) {
      setProblem(appErrorOf(e).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer open={open} onClose={onClose} width={900} title={t('backends.title')} data-testid="backends-drawer">
      <Table<Backend> size="small" rowKey="name" pagination={false} dataSource={backends.data ?? []} data-testid="backends-table"
        columns={[
          { title: t('backends.name'), dataIndex: 'name', width: 120 },
          { title: t('backends.kind'), dataIndex: 'kind', width: 100 },
          { title: t('backends.url'), dataIndex: 'url', ellipsis: true },
          { title: t('backends.context'), key: 'context', width: 220, render: (_: unknown, b) => <ContextCell b={b} onDone={backends.reload} /> },
          { title: t('backends.namespace'), dataIndex: 'namespace', width: 110 },
          { title: '', key: 'rm', width: 80, render: (_: unknown, b) => <a onClick={() => api.jobs.removeBackend.mutate({ name: b.name }).then(backends.reload, notifyError)}>{t('backends.remove')}</a> },
        ]} />
      <Typography.Title level={5} style={{ marginTop: 24 }}>{t('backends.addKube')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('backends.kubeHint')}</Typography.Paragraph>
      {problem && <Alert type="error" showIcon message={problem} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" data-testid="backend-add-form">
        <Form.Item name="name" label={t('backends.name')} rules={[{ required: true }]}><Input data-testid="backend-name" style={{ width: 260 }} /></Form.Item>
        <Form.Item label={t('backends.kubeconfig')} required>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Upload accept=".yaml,.yml,.conf,*" showUploadList={false} beforeUpload={(file) => {
              void file.text().then((text) => { form.setFieldValue('kubeconfig', text); readContexts(text); });
              return false;
            }}><Button icon={<UploadOutlined />}>{t('backends.kubeconfigFile')}</Button></Upload>
            <Form.Item name="kubeconfig" noStyle rules={[{ required: true }]}>
              <Input.TextArea rows={6} data-testid="backend-kubeconfig" placeholder="apiVersion: v1&#10;kind: Config&#10;..." onBlur={(e) => readContexts(e.target.value)} style={{ fontFamily: 'monospace' }} />
            </Form.Item>
          </Space>
        </Form.Item>
        <Space>
          <Form.Item name="context" label={t('backends.context')}>
            <Select style={{ width: 300 }} data-testid="backend-context" options={contexts.map((c) => ({ value: c.name, label: `${c.name} (${c.server ?? '?'}, ${c.user})` }))} />
          </Form.Item>
          <Form.Item name="namespace" label={t('backends.namespace')}>
            <Input style={{ width: 180 }} placeholder={contexts.find((c) => c.name === form.getFieldValue('context'))?.namespace} />
          </Form.Item>
        </Space>
        <div><Button type="primary" onClick={add} loading={busy} data-testid="backend-add">{t('backends.add')}</Button></div>
      </Form>
    </Drawer>
  );
}
