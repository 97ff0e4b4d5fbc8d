import { useMemo, useState } from 'react';
import { Button, Input, Select, Space, Tag, Typography, type TableColumnsType } from 'antd';
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { PageTable } from '../../components/PageTable';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import { downloadText } from '../../components/download';
import { AUDIT_RESULTS, type AuditEntry } from '../../../../shared/contract/schemas/audit';

const RESULT_COLORS: Record<string, string> = { ok: 'green', running: 'blue', failed: 'red', partial: 'orange', cancelled: 'default' };

export function AuditPage() {
  const { t } = useTranslation('audit');
  const notifyError = useErrorNotice();
  const [module, setModule] = useState<string>();
  const [result, setResult] = useState<AuditEntry['result']>();
  const [text, setText] = useState('');
  const query = { module, result, text: text || undefined };
  const list = useCall(() => api.audit.list.query({ ...query, offset: 0, limit: 5000 }), [module, result, text], ['*']);
  // Built once per language: with stable columns the virtual table re-renders only rows that change.
  const columns = useMemo<TableColumnsType<AuditEntry>>(() => [
    { title: t('columns.id'), dataIndex: 'id', width: 70 },
    { title: t('columns.started'), dataIndex: 'startedAt', width: 180, render: (v: string) => v.replace('T', ' ').slice(0, 19) },
    { title: t('columns.operator'), dataIndex: 'actor', width: 100 },
    { title: t('columns.via'), dataIndex: 'via', width: 70 },
    { title: t('columns.module'), dataIndex: 'module', width: 100 },
    { title: t('columns.action'), dataIndex: 'action', width: 150 },
    { title: t('columns.targets'), dataIndex: 'targets', width: 200, ellipsis: true },
    { title: t('columns.params'), dataIndex: 'params', width: 240, ellipsis: true, render: (p: Record<string, unknown>) => JSON.stringify(p) },
    { title: t('columns.result'), dataIndex: 'result', width: 100, render: (r: string) => <Tag color={RESULT_COLORS[r]}>{t(`results.${r}`)}</Tag> },
    { title: t('columns.detail'), dataIndex: 'detail', ellipsis: true },
  ], [t]);
  const modules = ['inventory', 'vault', 'power', 'console', 'exec', 'jobs', 'datasets'];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Select allowClear placeholder={t('filters.module')} style={{ width: 160 }} value={module} onChange={setModule} options={modules.map((m) => ({ value: m, label: m }))} />
        <Select allowClear placeholder={t('filters.result')} style={{ width: 140 }} value={result} onChange={setResult} options={AUDIT_RESULTS.map((r) => ({ value: r, label: t(`results.${r}`) }))} />
        <Input.Search allowClear placeholder={t('filters.text')} style={{ width: 320 }} onSearch={setText} data-testid="audit-search" />
        <Button icon={<ReloadOutlined />} onClick={list.reload}>{t('common:actions.refresh')}</Button>
        <Button icon={<DownloadOutlined />} onClick={() => api.audit.exportCsv.query({ ...query, offset: 0, limit: 100_000 }).then((csv) => downloadText('clusterdeck-audit.csv', csv, 'text/csv'), notifyError)}>
          {t('exportCsv')}
        </Button>
        <Typography.Text type="secondary">{t('total', { total: list.data?.total ?? 0 })}</Typography.Text>
      </Space>
      <PageTable<AuditEntry>
        above={230}
        width={1300}
        data-testid="audit-table"
        recycleRows // cells keep no state (text and a Tag)
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        columns={columns}
      />
    </Space>
  );
}
