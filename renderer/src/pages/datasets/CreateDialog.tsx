import { useState } from 'react';
import { Alert, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useErrorNotice } from '../../components/errors';
import { DATASET_KINDS, type ItemError } from '../../../../shared/contract/schemas/datasets';
import { itemErrorText } from './format';
import { LABEL_PALETTE } from '../../../../shared/contract/schemas/datasets';


/** The renderer cannot read the disk: the user types the folder path and main reads it. */
export function CreateDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (name: string) => void }) {
  const { t } = useTranslation('datasets');
  const notifyError = useErrorNotice();
  const [form] = Form.useForm<{ name: string; folder: string; kind: (typeof DATASET_KINDS)[number]; labels: string }>();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<ItemError[]>([]);

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const labels = (v.labels ?? '').split(',').map((s) => s.trim()).filter(Boolean)
        .map((name, i) => ({ name, color: LABEL_PALETTE[i % LABEL_PALETTE.length], hotkey: i < 9 ? String(i + 1) : null }));
      const r = await api.datasets.create.mutate({ name: v.name, folder: v.folder, kind: v.kind, labels, description: '' });
      if (r.errors.length) setErrors(r.errors);
      else onCreated(v.name);
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} title={t('create.title')} onCancel={onClose} onOk={errors.length ? () => onCreated(form.getFieldValue('name')) : submit} confirmLoading={busy} okText={errors.length ? t('common:actions.close') : t('create.ok')} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ kind: 'detection' }} data-testid="datasets-create-form">
        <Form.Item name="name" label={t('create.name')} rules={[{ required: true, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, message: t('create.nameRule') }]}>
          <Input data-testid="datasets-create-name" />
        </Form.Item>
        <Form.Item name="folder" label={t('create.folder')} extra={t('create.folderHelp')} rules={[{ required: true }]}>
          <Input placeholder="/data/images/cats" data-testid="datasets-create-folder" />
        </Form.Item>
        <Form.Item name="kind" label={t('create.kind')}>
          <Select options={DATASET_KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))} />
        </Form.Item>
        <Form.Item name="labels" label={t('create.labels')} extra={t('create.labelsHelp')}>
          <Input placeholder="cat, dog, car" />
        </Form.Item>
      </Form>
      {errors.length > 0 && (
        <Alert type="warning" showIcon message={t('create.unreadable', { count: errors.length })}
          description={<div style={{ maxHeight: 200, overflow: 'auto', fontFamily: 'monospace', fontSize: 12 }}>{errors.map((e, i) => <div key={i}>{itemErrorText(e)}</div>)}</div>} />
      )}
    </Modal>
  );
}
