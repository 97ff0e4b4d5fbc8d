import { useEffect } from 'react';
import { AutoComplete, Button, Form, Input, InputNumber, Modal, Space, Switch, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { VolcanoQueue } from '../../../../shared/contract/schemas/queues';

// Same rules as the contract (shared/contract/schemas/queues.ts), checked here first so the form
// names the field to fix before anything is sent.
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;
const RESOURCE = /^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const QUOTAS = ['deserved', 'guarantee', 'capability'] as const;
type QuotaKey = (typeof QUOTAS)[number];
type Pair = { resource?: string; quantity?: string };

export interface QueueFormValues {
  name: string;
  weight: number;
  reclaimable: boolean;
  deserved: Record<string, string> | null;
  guarantee: Record<string, string> | null;
  capability: Record<string, string> | null;
}

const toPairs = (r: Record<string, string> | null): Pair[] => Object.entries(r ?? {}).map(([resource, quantity]) => ({ resource, quantity }));
const toRecord = (p: Pair[] | undefined): Record<string, string> | null => {
  const list = (p ?? []).filter((x) => x.resource && x.quantity);
  return list.length ? Object.fromEntries(list.map((x) => [x.resource!.trim(), x.quantity!.trim()])) : null;
};

function QuotaList({ field }: { field: QuotaKey }) {
  const { t } = useTranslation('queues');
  return (
    <Form.Item label={t(`columns.${field}`)} tooltip={t(`help.${field}`)}>
      <Form.List name={field}>
        {(fields, { add, remove }) => (
          <Space direction="vertical" style={{ width: '100%' }}>
            {fields.map((f) => (
              <Space key={f.key} align="baseline">
                <Form.Item name={[f.name, 'resource']} rules={[{ required: true, message: t('form.resourceRequired') }, { pattern: RESOURCE, message: t('form.resourceInvalid') }]} style={{ marginBottom: 0 }}>
                  <AutoComplete style={{ width: 200 }} placeholder="nvidia.com/gpu" options={['cpu', 'memory', 'nvidia.com/gpu'].map((v) => ({ value: v }))} data-testid={`queue-${field}-resource-${f.name}`} />
                </Form.Item>
                <Form.Item name={[f.name, 'quantity']} rules={[{ required: true, message: t('form.quantityRequired') }, { pattern: QUANTITY, message: t('form.quantityInvalid') }]} style={{ marginBottom: 0 }}>
                  <Input style={{ width: 140 }} placeholder="8, 500m, 64Gi" data-testid={`queue-${field}-quantity-${f.name}`} />
                </Form.Item>
                <MinusCircleOutlined onClick={() => remove(f.name)} />
              </Space>
            ))}
            <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({})} data-testid={`queue-${field}-add`}>{t('form.addResource')}</Button>
          </Space>
        )}
      </Form.List>
    </Form.Item>
  );
}

/** Create (queue null) or edit a Volcano queue. onSubmit rejects to keep the dialog open. */
export function QueueForm({ open, backend, queue, onCancel, onSubmit }: { open: boolean; backend: string; queue: VolcanoQueue | null; onCancel: () => void; onSubmit: (v: QueueFormValues) => Promise<void> }) {
  const { t } = useTranslation('queues');
  const [form] = Form.useForm();
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(queue
      ? { name: queue.name, weight: queue.weight, reclaimable: queue.reclaimable, deserved: toPairs(queue.deserved), guarantee: toPairs(queue.guarantee), capability: toPairs(queue.capability) }
      : { name: '', weight: 1, reclaimable: true, deserved: [], guarantee: [], capability: [] });
  }, [open, queue, form]);

  const submit = async () => {
    const v = await form.validateFields();
    await onSubmit({ name: v.name, weight: v.weight, reclaimable: v.reclaimable, deserved: toRecord(v.deserved), guarantee: toRecord(v.guarantee), capability: toRecord(v.capability) });
  };

  return (
    <Modal open={open} title={queue ? t('form.editTitle', { name: queue.name, backend }) : t('form.createTitle', { backend })} onCancel={onCancel} onOk={() => submit().catch(() => undefined)} okText={t('form.save')} width={620} forceRender rootClassName="queue-form">
      <Form form={form} layout="vertical">
        <Form.Item name="name" label={t('columns.name')} rules={[{ required: true, message: t('form.nameRequired') }, { pattern: NAME, message: t('form.nameInvalid') }, { max: 63, message: t('form.nameInvalid') }]}>
          <Input disabled={!!queue} placeholder="research" data-testid="queue-name" />
        </Form.Item>
        <Space size="large">
          <Form.Item name="weight" label={t('columns.weight')} tooltip={t('help.weight')} rules={[{ required: true, message: t('form.weightInvalid') }, { type: 'integer', min: 1, max: 65535, message: t('form.weightInvalid') }]}>
            <InputNumber min={1} max={65535} precision={0} data-testid="queue-weight" />
          </Form.Item>
          <Form.Item name="reclaimable" label={t('columns.reclaimable')} tooltip={t('help.reclaimable')} valuePropName="checked">
            <Switch data-testid="queue-reclaimable" />
          </Form.Item>
        </Space>
        {QUOTAS.map((q) => <QuotaList key={q} field={q} />)}
        <Typography.Text type="secondary">{t('form.quantityHint')}</Typography.Text>
      </Form>
    </Modal>
  );
}
