import { useState } from 'react';
import { Alert, Button, Checkbox, Modal, Space, Table, Typography } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useErrorNotice } from '../../components/errors';
import type { ImportResult } from '../../../../shared/contract/schemas/inventory';

/** All-or-nothing import: either every line lands, or nothing does and every problem is listed. */
export function ImportDialog({ onClose }: { onClose(imported: boolean): void }) {
  const { t } = useTranslation('inventory');
  const notifyError = useErrorNotice();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [update, setUpdate] = useState(false);
  const [createMissing, setCreateMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);

  const pick = (f: File | undefined) => {
    if (!f) return;
    void f.text().then((text) => { setFile({ name: f.name, text }); setResult(null); });
  };
  const run = () => {
    if (!file) return;
    setBusy(true);
    const format = /\.ya?ml$/i.test(file.name) ? 'yaml' : 'csv';
    api.inventory.importNodes.mutate({ format, text: file.text, update, createMissing }).then(setResult, notifyError).finally(() => setBusy(false));
  };

  return (
    <Modal
      open
      width={760}
      title={t('import.title')}
      onCancel={() => onClose(!!result && result.problems.length === 0)}
      footer={<Space><Button onClick={() => onClose(!!result && result.problems.length === 0)}>{t('common:actions.close')}</Button><Button type="primary" loading={busy} disabled={!file} onClick={run} data-testid="import-run">{t('import.run')}</Button></Space>}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <label>
          <input type="file" accept=".csv,.yaml,.yml,text/csv" style={{ display: 'none' }} data-testid="import-file" onChange={(e) => pick(e.target.files?.[0])} />
          <Button icon={<UploadOutlined />} onClick={(e) => (e.currentTarget.previousElementSibling as HTMLInputElement | null)?.click()}>{t('import.pick')}</Button>
          {file && <Typography.Text style={{ marginLeft: 8 }}>{file.name}</Typography.Text>}
        </label>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('import.columnsHelp')}</Typography.Text>
        <Checkbox checked={update} onChange={(e) => setUpdate(e.target.checked)}>{t('import.update')}</Checkbox>
        <Checkbox checked={createMissing} onChange={(e) => setCreateMissing(e.target.checked)}>{t('import.createMissing')}</Checkbox>
        {result && result.problems.length === 0 && <Alert type="success" showIcon message={t('import.ok', result)} data-testid="import-ok" />}
        {result && result.problems.length > 0 && (
          <>
            <Alert type="error" showIcon message={t('import.rejected', { count: result.problems.length })} data-testid="import-rejected" />
            <Table
              size="small"
              rowKey={(p) => `${p.line}:${p.column}:${p.reason}`}
              pagination={false}
              virtual
              scroll={{ y: 300 }}
              dataSource={result.problems}
              columns={[
                { title: t('import.line'), dataIndex: 'line', width: 70 },
                { title: t('import.column'), dataIndex: 'column', width: 140 },
                { title: t('import.reason'), dataIndex: 'reason' },
              ]}
            />
          </>
        )}
      </Space>
    </Modal>
  );
}
