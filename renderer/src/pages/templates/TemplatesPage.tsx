import { useRef, useState } from 'react';
import { App, Button, Drawer, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import { downloadText } from '../../components/download';
import type { TemplateSummary } from '../../../../shared/contract/schemas/jobs';
import { SubmitDrawer } from '../jobs/SubmitDrawer';

export function TemplatesPage() {
  const { t } = useTranslation('jobs');
  const { modal } = App.useApp();
  const notifyError = useErrorNotice();
  const list = useCall(() => api.templates.list.query(), [], ['templates']);
  const [shown, setShown] = useState<string | null>(null);
  const [useTemplate, setUseTemplate] = useState<string | undefined>();
  const body = useCall(() => (shown ? api.templates.get.query({ name: shown }) : Promise.resolve(null)), [shown]);
  const fileInput = useRef<HTMLInputElement>(null);
  const act = (p: Promise<unknown>) => p.then(list.reload, notifyError);

  const clone = (from: string) => {
    let to = `${from}-copy`;
    modal.confirm({
      title: t('templates.clone'),
      content: <Input defaultValue={to} onChange={(e) => (to = e.target.value)} />,
      onOk: () => act(api.templates.clone.mutate({ from, to })),
    });
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Button icon={<UploadOutlined />} onClick={() => fileInput.current?.click()}>{t('templates.import')}</Button>
        <input ref={fileInput} type="file" accept=".json,application/json" style={{ display: 'none' }} onChange={async (e) => {
          const f = e.target.files?.[0];
          if (f) await act(api.templates.import.mutate({ text: await f.text(), replace: true }));
          e.target.value = '';
        }} />
      </Space>
      <Table<TemplateSummary>
        data-testid="templates-table"
        rowKey="name"
        size="small"
        pagination={false}
        loading={list.loading}
        dataSource={list.data ?? []}
        columns={[
          { title: t('templates.name'), dataIndex: 'name', width: 180, render: (v: string) => <a onClick={() => setShown(v)}>{v}</a> },
          { title: t('templates.title'), dataIndex: 'title' },
          { title: t('templates.target'), dataIndex: 'target', width: 110 },
          { title: t('templates.version'), dataIndex: 'version', width: 80 },
          { title: t('templates.kind'), dataIndex: 'builtin', width: 100, render: (b: boolean) => <Tag>{b ? t('templates.builtin') : t('templates.custom')}</Tag> },
          {
            title: t('columns.actions'), key: 'a', width: 260, render: (_: unknown, r) => (
              <Space size="small">
                {r.target === 'slurm' && <a onClick={() => setUseTemplate(r.name)}>{t('templates.use')}</a>}
                <a onClick={() => clone(r.name)}>{t('templates.clone')}</a>
                <a onClick={() => api.templates.export.query({ name: r.name }).then((x) => downloadText(x.filename, x.text, 'application/json'), notifyError)}>{t('templates.export')}</a>
                {!r.builtin && <Popconfirm title={t('templates.deleteConfirm')} onConfirm={() => act(api.templates.remove.mutate({ name: r.name }))}><a>{t('templates.delete')}</a></Popconfirm>}
              </Space>
            ),
          },
        ]}
      />
      <Drawer open={shown !== null} onClose={() => setShown(null)} width={820} title={shown}>
        {body.data && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text>{body.data.body.description}</Typography.Text>
            <pre style={{ background: 'rgba(127,127,127,0.1)', padding: 12, whiteSpace: 'pre-wrap' }}>{JSON.stringify(body.data.body, null, 2)}</pre>
          </Space>
        )}
      </Drawer>
      <SubmitDrawer open={useTemplate !== undefined} template={useTemplate} onClose={() => setUseTemplate(undefined)} onDone={() => undefined} />
    </Space>
  );
}
