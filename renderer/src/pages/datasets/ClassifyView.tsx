import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, appErrorOf } from '../../api/client';
import { useCall } from '../../state/useCall';
import type { Label } from '../../../../shared/contract/schemas/datasets';
import type { SaveState } from './useAnnotations';
import { SaveStatus } from './SaveStatus';

interface Info { labels: string[]; next: string | null; previous: string | null }

/**
 * One key per label. Single-label: the label's hotkey assigns it, commits it and moves to the next
 * image. Multi-label: hotkeys toggle labels on this image (each toggle committed), Enter or N moves
 * on. P goes back, Delete clears the image's labels. "Saved" shows only after the commit returned;
 * keys pressed meanwhile wait their turn.
 */
export function ClassifyView({ dataset, file, labels, multi, onFile }: { dataset: string; file: string; labels: Label[]; multi: boolean; onFile: (file: string) => void }) {
  const { t } = useTranslation('datasets');
  const image = useCall(() => api.datasets.annotations.query({ name: dataset, file }), [dataset, file]);
  const picture = useCall(() => api.datasets.imageView.query({ name: dataset, file }), [dataset, file]);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const [, setTick] = useState(0);
  // Keys are queued and each acts on the image that is current when its turn comes, so a fast
  // labeller loses no key: "2 1 3" labels three images in a row even while the first save runs.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const fileRef = useRef(file);
  const known = useRef(new Map<string, Info>());
  useEffect(() => { known.current.clear(); }, [dataset]);

  const wholeImage = (a: { bbox: unknown; polygons: unknown }) => !a.bbox && !a.polygons;
  const info = async (f: string): Promise<Info> => {
    const have = known.current.get(f);
    if (have) return have;
    const r = await api.datasets.annotations.query({ name: dataset, file: f });
    const got = { labels: r.annotations.filter(wholeImage).map((a) => a.label), next: r.next, previous: r.previous };
    known.current.set(f, got);
    return got;
  };
  const loaded = !!image.data && image.data.file === file;
  const current = known.current.get(file)?.labels ?? (loaded ? image.data!.annotations.filter(wholeImage).map((a) => a.label) : []);

  const go = (to: string) => { fileRef.current = to; onFile(to); };
  const act = async (key: string) => {
    const f = fileRef.current;
    const inf = await info(f);
    const label = labels.find((l) => l.hotkey !== null && l.hotkey.toLowerCase() === key.toLowerCase());
    const commit = async (next: string[]) => {
      setSave({ kind: 'saving' });
      const r = await api.datasets.classify.mutate({ name: dataset, file: f, labels: next });
      known.current.set(f, { ...inf, labels: r.labels });
      setSave({ kind: 'saved', at: r.savedAt });
      setTick((n) => n + 1);
    };
    if (label) {
      if (multi) await commit(inf.labels.includes(label.name) ? inf.labels.filter((l) => l !== label.name) : [...inf.labels, label.name]);
      else {
        await commit([label.name]);
        if (inf.next) go(inf.next);
      }
    } else if (key === 'Enter' || key === 'n' || key === 'ArrowRight') { if (inf.next) go(inf.next); }
    else if (key === 'p' || key === 'ArrowLeft') { if (inf.previous) go(inf.previous); }
    else if (key === 'Delete' || key === 'Backspace') await commit([]);
  };

  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement)?.tagName === 'INPUT' || e.ctrlKey || e.metaKey || e.altKey) return;
      const mine = labels.some((l) => l.hotkey !== null && l.hotkey.toLowerCase() === e.key.toLowerCase())
        || ['Enter', 'n', 'ArrowRight', 'p', 'ArrowLeft', 'Delete', 'Backspace'].includes(e.key);
      if (!mine) return;
      e.preventDefault();
      queue.current = queue.current.then(() => act(e.key)).catch((err) => setSave({ kind: 'error', message: appErrorOf(err).message }));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="classify-view" data-ready={loaded ? '1' : '0'}>
      <Space wrap>
        <Typography.Text strong data-testid="classify-file">{file}</Typography.Text>
        <SaveStatus save={save} testId="classify-save-state" />
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
