import { useEffect, useState } from 'react';
import { Alert, App, Button, Input, Space, Table, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, appErrorOf } from '../../api/client';
import type { Label } from '../../../../shared/contract/schemas/datasets';
import { LABEL_PALETTE } from '../../../../shared/contract/schemas/datasets';


interface Row { key: number; from: string | null; name: string; color: string; hotkey: string; annotations: number }

/**
 * The label set: add, rename, recolor, re-key and delete, saved together. Main refuses hotkey
 * conflicts (and keys the annotation screens use) with a message naming both labels; deleting a
 * label that has annotations asks first and says how many go with it.
 */
export function LabelsTab({ name, labels, onSaved }: { name: string; labels: Label[]; onSaved: () => void }) {
  const { t } = useTranslation('datasets');
  const { modal } = App.useApp();
  const fresh = () => labels.map((l, i): Row => ({ key: i, from: l.name, name: l.name, color: l.color, hotkey: l.hotkey ?? '', annotations: l.annotations }));
  const [rows, setRows] = useState<Row[]>(fresh);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  // Start over only when the stored label set really changed (a background reload brings equal data).
  const stored = JSON.stringify(labels);
  useEffect(() => { setRows(fresh()); }, [stored]); // eslint-disable-line react-hooks/exhaustive-deps

  const change = (key: number, patch: Partial<Row>) => { setSaved(false); setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r))); };
  const add = () => { setSaved(false); setRows((rs) => [...rs, { key: Math.max(-1, ...rs.map((r) => r.key)) + 1, from: null, name: '', color: LABEL_PALETTE[rs.length % LABEL_PALETTE.length], hotkey: '', annotations: 0 }]); };
  const removed = labels.filter((l) => !rows.some((r) => r.from === l.name));
  const lost = removed.reduce((n, l) => n + l.annotations, 0);

  const submit = async (deleteAnnotations: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await api.datasets.editLabels.mutate({ name, deleteAnnotations, labels: rows.map((r) => ({ from: r.from, name: r.name.trim(), color: r.color, hotkey: r.hotkey || null })) });
      setSaved(true);
      onSaved();
    } catch (e) {
      setError(appErrorOf(e).message);
    } finally {
      setBusy(false);
    }
  };
  const save = () => {
    if (lost === 0) return void submit(false);
    modal.confirm({
      title: t('labels.confirmTitle', { count: removed.length }),
      content: t('labels.confirmText', { labels: removed.filter((l) => l.annotations > 0).map((l) => `${l.name} (${l.annotations})`).join(', '), count: lost }),
      okText: t('labels.confirmOk', { count: lost }),
      okButtonProps: { danger: true, 'data-testid': 'labels-confirm-delete' } as unknown as { danger: boolean },
      onOk: () => submit(true),
    });
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="labels-editor">
      <Table<Row> size="small" rowKey="key" pagination={false} dataSource={rows}
        columns={[
          { title: t('labels.color'), key: 'color', width: 70, render: (_: unknown, r) => <input type="color" value={r.color} aria-label={t('labels.color')} data-testid={`label-color-${r.key}`} onChange={(e) => change(r.key, { color: e.target.value })} /> },
          { title: t('labels.name'), key: 'name', render: (_: unknown, r) => <Input value={r.name} data-testid={`label-name-${r.key}`} status={r.name.trim() ? undefined : 'error'} onChange={(e) => change(r.key, { name: e.target.value })} /> },
          { title: t('labels.hotkey'), key: 'hotkey', width: 110, render: (_: unknown, r) => <Input value={r.hotkey} maxLength={1} style={{ width: 60 }} data-testid={`label-hotkey-${r.key}`} onChange={(e) => change(r.key, { hotkey: e.target.value })} /> },
          { title: t('labels.annotations'), dataIndex: 'annotations', width: 110, align: 'right' },
          { title: '', key: 'rm', width: 60, render: (_: unknown, r) => <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('labels.delete')} data-testid={`label-delete-${r.key}`} onClick={() => { setSaved(false); setRows((rs) => rs.filter((x) => x.key !== r.key)); }} /> },
        ]} />
      <Space>
        <Button icon={<PlusOutlined />} onClick={add} data-testid="labels-add">{t('labels.add')}</Button>
        <Button type="primary" onClick={save} loading={busy} disabled={rows.some((r) => !r.name.trim())} data-testid="labels-save">{t('labels.save')}</Button>
        {removed.length > 0 && <Typography.Text type="warning">{t('labels.pending', { count: removed.length, annotations: lost })}</Typography.Text>}
        {saved && <Typography.Text type="success" data-testid="labels-saved">{t('labels.saved')}</Typography.Text>}
      </Space>
      {error && <Alert type="error" showIcon message={error} data-testid="labels-error" />}
      <Typography.Text type="secondary">{t('labels.help')}</Typography.Text>
    </Space>
  );
}
