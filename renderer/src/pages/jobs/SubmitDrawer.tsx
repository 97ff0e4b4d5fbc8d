import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Form, Input, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, appErrorOf } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import { HookUrl, type Rendered } from '../../../../shared/contract/schemas/jobs';
import { ParamsForm, formToParams } from './ParamsForm';

/** New job: pick a template and backend, fill the form, read the exact script, then draft or submit. */
export function SubmitDrawer({ open, onClose, onDone, template: initial }: { open: boolean; onClose: () => void; onDone: () => void; template?: string }) {
  const { t } = useTranslation('jobs');
  const notifyError = useErrorNotice();
  const [name, setName] = useState<string | undefined>(initial);
  const [backend, setBackend] = useState<string>();
  const [form] = Form.useForm();
  const [preview, setPreview] = useState<Rendered | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [hook, setHook] = useState('');
  const templates = useCall(() => api.templates.list.query(), []);
  const backends = useCall(() => api.jobs.backends.query(), [], ['jobs']);
  const tpl = useCall(() => (name ? api.templates.get.query({ name }) : Promise.resolve(null)), [name]);
  useEffect(() => setName(initial), [initial]);
  useEffect(() => {
    if (!backend && backends.data?.length === 1) setBackend(backends.data[0].name);
  }, [backends.data, backend]);

  const refreshPreview = () => {
    if (!tpl.data) return;
    const params = formToParams(tpl.data.body, form.getFieldsValue());
    api.jobs.preview.query({ template: tpl.data.name, params, backend }).then(
      (r) => { setPreview(r); setProblem(null); },
      (e) => { setPreview(null); setProblem(appErrorOf(e).message); },
    );
  };
  useEffect(() => {
    form.resetFields();
    // A Kubernetes backend's namespace replaces the template's default namespace.
    const b = backends.data?.find((x) => x.name === backend);
    if (b?.kind === 'kubernetes' && b.namespace && tpl.data?.body.parameters.properties.namespace) form.setFieldValue('namespace', b.namespace);
    refreshPreview();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tpl.data, backend]);

  const submit = async (draft: boolean) => {
    if (!tpl.data) return;
    setBusy(true);
    try {
      const j = await api.jobs.submit.mutate({ template: tpl.data.name, params: formToParams(tpl.data.body, form.getFieldsValue()), backend, draft, hook: hook.trim() || null });
      onDone();
      if (j.phase !== 'outbox') onClose();
      else setProblem(t('outboxNotice', { id: j.id, error: j.lastError ?? '' }));
    } catch (e) {
      notifyError(e);
      onDone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer open={open} onClose={onClose} width={980} title={t('newJob')} data-testid="job-submit-drawer"
      extra={<Space>
        <Button onClick={() => submit(true)} disabled={!tpl.data} loading={busy}>{t('saveDraft')}</Button>
        <Button type="primary" onClick={() => submit(false)} disabled={!tpl.data || !!problem && !preview} loading={busy} data-testid="job-submit">{t('submit')}</Button>
      </Space>}>
      <Space style={{ marginBottom: 12 }} wrap>
        <Select style={{ width: 260 }} placeholder={t('template')} value={name} onChange={setName} data-testid="job-template-select"
          options={(templates.data ?? []).map((x) => ({ value: x.name, label: `${x.title} (${x.name} v${x.version})` }))} />
        <Select style={{ width: 200 }} placeholder={t('backend')} value={backend} onChange={setBackend} allowClear
          options={(backends.data ?? []).map((b) => ({ value: b.name, label: `${b.name} (${b.kind})` }))} />
        <Input style={{ width: 340 }} allowClear placeholder={t('hookPlaceholder')} value={hook} onChange={(e) => setHook(e.target.value)}
          status={hook.trim() && !HookUrl.safeParse(hook.trim()).success ? 'error' : undefined} title={t('hookHelp')} data-testid="job-hook" />
      </Space>
      <div style={{ display: 'flex', gap: 16 }}>
        <div style={{ flex: '0 0 360px', maxHeight: 'calc(100vh - 180px)', overflow: 'auto' }}>
          {tpl.data && <ParamsForm key={tpl.data.name + tpl.data.version} body={tpl.data.body} form={form} onChange={refreshPreview} />}
        </div>
        <div style={{ flex: 1, minWidth: 0 }}>
          <Typography.Text strong>{t('preview')}</Typography.Text>
          {problem && <Alert type="warning" showIcon message={problem} style={{ margin: '8px 0' }} />}
          <pre data-testid="job-preview" style={{ background: 'rgba(127,127,127,0.1)', padding: 12, maxHeight: 'calc(100vh - 240px)', overflow: 'auto', whiteSpace: 'pre-wrap' }}>{preview?.text ?? ''}</pre>
        </div>
      </div>
    </Drawer>
  );
}
