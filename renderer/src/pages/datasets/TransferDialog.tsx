import { useState } from 'react';
import { Alert, Checkbox, Input, Modal, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useErrorNotice } from '../../components/errors';
import { DATASET_FORMATS, type ItemError } from '../../../../shared/contract/schemas/datasets';
import { itemErrorText } from './format';

type Format = (typeof DATASET_FORMATS)[number];

/** Import or export in COCO, Pascal VOC, YOLO or folder-per-class; paths are read and written by main. */
export function TransferDialog({ name, mode, onClose }: { name: string; mode: 'import' | 'export'; onClose: () => void }) {
  const { t } = useTranslation('datasets');
  const notifyError = useErrorNotice();
  const [format, setFormat] = useState<Format>('coco');
  const [annotations, setAnnotations] = useState('');
  const [images, setImages] = useState('');
  const [out, setOut] = useState('');
  const [allOrNothing, setAllOrNothing] = useState(true);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<{ text: string; errors: ItemError[] } | null>(null);

  const run = async () => {
    setBusy(true);
    try {
      if (mode === 'import') {
        const r = await api.datasets.import.mutate({ name, format, annotations: annotations || undefined, images: images || undefined, allOrNothing, yoloTask: 'auto', replace: false });
        setReport({ text: r.imported ? t('transfer.imported', { annotations: r.annotations, images: r.images }) : t('transfer.nothing', { count: r.errors.length }), errors: r.errors });
      } else {
        const r = await api.datasets.export.mutate({ name, format, out, copyImages: true });
        setReport({ text: t('transfer.exported', { annotations: r.annotations, images: r.images, out: r.out }), errors: r.warnings });
      }
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open title={t(`transfer.${mode}Title`)} onCancel={onClose} onOk={report ? onClose : run} confirmLoading={busy} okText={report ? t('common:actions.close') : t(`common:actions.${mode}`)}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Select value={format} onChange={setFormat} style={{ width: 240 }} options={DATASET_FORMATS.map((f) => ({ value: f, label: t(`formats.${f}`) }))} />
        {mode === 'import' ? (
          <>
            <Input addonBefore={t('transfer.annotations')} placeholder={t(`transfer.hint.${format}`)} value={annotations} onChange={(e) => setAnnotations(e.target.value)} />
            <Input addonBefore={t('transfer.images')} value={images} onChange={(e) => setImages(e.target.value)} />
            <Checkbox checked={allOrNothing} onChange={(e) => setAllOrNothing(e.target.checked)}>{t('transfer.allOrNothing')}</Checkbox>
          </>
        ) : (
          <Input addonBefore={t('transfer.out')} placeholder="/data/export/cats-coco" value={out} onChange={(e) => setOut(e.target.value)} />
        )}
        {report && <Alert type={report.errors.length ? 'warning' : 'success'} showIcon message={report.text}
          description={report.errors.length > 0 && <div style={{ maxHeight: 240, overflow: 'auto', fontFamily: 'monospace', fontSize: 12 }}>{report.errors.map((e, i) => <div key={i}>{itemErrorText(e)}</div>)}</div>} />}
        <Typography.Text type="secondary">{t('transfer.pathsNote')}</Typography.Text>
      </Space>
    </Modal>
  );
}
