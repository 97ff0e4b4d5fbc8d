import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, appErrorOf } from '../../api/client';
import { useCall } from '../../state/useCall';
import type { Label } from '../../../../shared/contract/schemas/datasets';
import type { SaveState } from './useAnnotations';

/**
 * One key per label. Single-label: the label's hotkey assigns it, commits it and moves to the next
 * image. Multi-label: hotkeys toggle labels on this image (each toggle committed), Enter or N moves
 * on. P goes back, Delete clears the image's labels. "Saved" shows only after the commit returned.
 */
export function ClassifyView({ dataset, file, labels, multi, onFile }: { dataset: string; file: string; labels: Label[]; multi: boolean; onFile: (file: string) => void }) {
  const { t } = useTranslation('datasets');
  const image = useCall(() => api.datasets.annotations.query({ name: dataset, file }), [dataset, file]);
  const picture = useCall(() => api.datasets.imageView.query({ name: dataset, file }), [dataset, file]);
  const [assigned, setAssigned] = useState<string[] | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const busy = useRef(false);

  useEffect(() => { setAssigned(null); }, [dataset, file]);
  const current = assigned ?? image.data?.annotations.filter((a) => !a.bbox && !a.polygons).map((a) => a.label) ?? [];
  const loaded = !!image.data && image.data.file === file;

  const commit = async (next: string[]): Promise<boolean> => {
    busy.current = true;
    setSave({ kind: 'saving' });
    try {
      const r = await api.datasets.classify.mutate({ name: dataset, file, labels: next });
      setAssigned(r.labels);
      setSave({ kind: 'saved', at: r.savedAt });
      return true;
    } catch (e) {
      setSave({ kind: 'error', message: appErrorOf(e).message });
      return false;
    } finally {
      busy.current = false;
    }
  };

  // A layout effect: the listener is current before the screen shows the state it acts on.
  useLayoutEffect(() => {
    const onKey = async (e: KeyboardEvent) => {
      if ((e.target as HTMLElement)?.tagName === 'INPUT' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (!loaded || busy.current) { e.preventDefault(); return; }
      const label = labels.find((l) => l.hotkey !== null && l.hotkey.toLowerCase() === e.key.toLowerCase());
      const next = image.data?.next ?? null, previous = image.data?.previous ?? null;
      if (label) {
        if (multi) await commit(current.includes(label.name) ? current.filter((l) => l !== label.name) : [...current, label.name]);
        else if ((await commit([label.name])) && next) onFile(next);
      } else if ((e.key === 'Enter' || e.key === 'n' || e.key === 'ArrowRight') && next) onFile(next);
      else if ((e.key === 'p' || e.key === 'ArrowLeft') && previous) onFile(previous);
      else if ((e.key === 'Delete' || e.key === 'Backspace') && current.length) await commit([]);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const saveText = save.kind === 'saving' ? t('annotate.saving') : save.kind === 'saved' ? t('annotate.saved', { at: save.at.slice(11, 19) }) : save.kind === 'error' ? save.message : '';
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="classify-view" data-ready={loaded ? '1' : '0'}>
      <Space wrap>
        <Typography.Text strong data-testid="classify-file">{file}</Typography.Text>
        <Typography.Text type={save.kind === 'error' ? 'danger' : 'secondary'} data-testid="classify-save-state">{saveText}</Typography.Text>
        {image.data && !image.data.next && <Typography.Text type="secondary">{t('classify.last')}</Typography.Text>}
      </Space>
      <Space wrap data-testid="classify-labels">
        {labels.map((l) => {
          const on = current.includes(l.name);
          return (
            <Tag key={l.name} color={on ? l.color : undefined} data-on={on ? '1' : '0'} style={{ fontSize: 14, padding: '4px 10px', opacity: on ? 1 : 0.7 }}>
              {l.hotkey ? <Typography.Text keyboard>{l.hotkey}</Typography.Text> : null} {l.name}{on ? ' ✓' : ''}
            </Tag>
          );
        })}
      </Space>
      <Typography.Text data-testid="classify-current">{t('classify.current', { labels: current.length ? current.join(', ') : t('classify.none') })}</Typography.Text>
      <div style={{ width: 1100, height: 560, background: '#1f1f1f', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        {picture.data && <img src={picture.data.overview.dataUrl} alt={file} data-testid="classify-image" style={{ maxWidth: '100%', maxHeight: '100%', objectFit: 'contain' }} />}
        {picture.error && <Typography.Text type="danger">{picture.error.message}</Typography.Text>}
      </div>
      <Typography.Text type="secondary">{t(multi ? 'classify.keysMulti' : 'classify.keysSingle')}</Typography.Text>
    </Space>
  );
}
