import { useEffect, useState } from 'react';
import { Button, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import { IMAGE_STATUSES, type DatasetSummary, type ImageRow, type Label, type PyramidProgress } from '../../../../shared/contract/schemas/datasets';
import { AnnotateView } from './AnnotateView';
import { ClassifyView } from './ClassifyView';
import { Thumb } from './Thumb';
import { sizeText } from './format';

const STATUS_COLORS: Record<string, string> = { unlabeled: 'default', labeled: 'blue', reviewed: 'green' };

/** Images with status and thumbnails; filter by status or a query ("width > 1000 and has label cat"), save queries. */
export function ImagesTab({ name, labels, kind }: { name: string; labels: Label[]; kind?: DatasetSummary['kind'] }) {
  const { t } = useTranslation('datasets');
  const notifyError = useErrorNotice();
  const [status, setStatus] = useState<(typeof IMAGE_STATUSES)[number]>();
  const [query, setQuery] = useState('');
  const [draft, setDraft] = useState('');
  const [annotating, setAnnotating] = useState<string | null>(null);
  const images = useCall(() => api.datasets.images.query({ name, query, status, offset: 0, limit: 100_000 }), [name, query, status], ['datasets']);
  const saved = useCall(() => api.datasets.queries.query({ name }), [name], ['datasets']);
  const pyramids = usePyramidProgress();

  const save = () => {
    const title = window.prompt(t('images.saveTitle'));
    if (title) api.datasets.saveQuery.mutate({ name, title, query: draft }).then(saved.reload, notifyError);
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Select allowClear placeholder={t('images.status')} style={{ width: 140 }} value={status} onChange={setStatus} options={IMAGE_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))} />
        <Input.Search style={{ width: 420 }} placeholder={t('images.queryPlaceholder')} value={draft} onChange={(e) => setDraft(e.target.value)} onSearch={setQuery} data-testid="datasets-query" allowClear />
        <Button disabled={!draft} onClick={save}>{t('images.save')}</Button>
        <Select style={{ width: 200 }} placeholder={t('images.saved')} value={null} onChange={(q: string) => { setDraft(q); setQuery(q); }}
          options={(saved.data ?? []).map((q) => ({ value: q.query, label: q.title }))} />
        <Button type="primary" disabled={!images.data?.items.length} data-testid="datasets-label-start"
          onClick={() => { const items = images.data?.items ?? []; setAnnotating((items.find((i) => i.status === 'unlabeled' && !i.error) ?? items[0]).file); }}>{t('images.start')}</Button>
        <Typography.Text type="secondary">{t('images.total', { total: images.data?.total ?? 0 })}</Typography.Text>
        {pyramids && pyramids.pending > 0 && <Tag color="processing" data-testid="datasets-pyramids">{t('images.pyramids', { built: pyramids.built, total: pyramids.total })}</Tag>}
      </Space>
      {images.error && <Typography.Text type="danger">{images.error.message}</Typography.Text>}
      <Table<ImageRow>
        rowKey="file"
        size="small"
        virtual
        loading={images.loading}
        scroll={{ y: 480 }}
        pagination={false}
        dataSource={images.data?.items ?? []}
        onRow={(r) => ({ onDoubleClick: () => setAnnotating(r.file), 'data-testid': `image-row-${r.file}` } as React.HTMLAttributes<HTMLElement>)}
        columns={[
          { title: '', key: 'thumb', width: 80, render: (_: unknown, r) => <Thumb dataset={name} file={r.file} /> },
          { title: t('images.file'), dataIndex: 'file', ellipsis: true, render: (f: string) => <a onClick={() => setAnnotating(f)}>{f}</a> },
          { title: t('images.size'), key: 'size', width: 110, render: (_: unknown, r) => (r.width ? `${r.width}×${r.height}` : '') },
          { title: t('images.bytes'), dataIndex: 'bytes', width: 90, align: 'right', render: (b: number) => sizeText(b) },
          { title: t('images.annotations'), dataIndex: 'annotations', width: 100, align: 'right' },
          { title: t('images.status'), dataIndex: 'status', width: 110, render: (s: string) => <Tag color={STATUS_COLORS[s]}>{t(`statuses.${s}`)}</Tag> },
          { title: t('images.error'), dataIndex: 'error', width: 220, ellipsis: true, render: (e: string | null) => e && <Typography.Text type="danger">{e}</Typography.Text> },
        ]}
      />
      <Modal open={annotating !== null} width={1180} footer={null} destroyOnHidden keyboard={false} title={t(kind === 'classification' || kind === 'multilabel' ? 'classify.title' : 'annotate.title')}
        onCancel={() => { setAnnotating(null); images.reload(); }}>
        {annotating && (kind === 'classification' || kind === 'multilabel'
          ? <ClassifyView dataset={name} file={annotating} labels={labels} multi={kind === 'multilabel'} onFile={setAnnotating} />
          : <AnnotateView dataset={name} file={annotating} labels={labels} onFile={setAnnotating} />)}
      </Modal>
    </Space>
  );
}

/** Tile pyramids still being built in the background after a create or import (null until first asked); asked again every 2 s while any are. */
function usePyramidProgress(): PyramidProgress | null {
  const [progress, setProgress] = useState<PyramidProgress | null>(null);
  useEffect(() => {
    let timer = 0, gone = false;
    const ask = () => api.datasets.pyramids.query().then((p) => {
      if (gone) return;
      setProgress(p);
      if (p.pending > 0) timer = window.setTimeout(ask, 2000);
    }, () => undefined);
    void ask();
    return () => { gone = true; window.clearTimeout(timer); };
  }, []);
  return progress;
}
