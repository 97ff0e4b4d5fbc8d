import { useEffect, useState } from 'react';
import { Tooltip } from 'antd';
import { api, appErrorOf } from '../../api/client';

/** A thumbnail made (and cached) by main with sharp, arriving as a data: URL. */
export function Thumb({ dataset, file, size = 64 }: { dataset: string; file: string; size?: number }) {
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.datasets.thumbnail.query({ name: dataset, file, size: 160 }).then(
      (r) => live && setSrc(r.dataUrl),
      (e) => live && setError(appErrorOf(e).message),
    );
    return () => { live = false; };
  }, [dataset, file]);
  const box = { width: size, height: size, display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'rgba(0,0,0,0.04)' } as const;
  if (error) return <Tooltip title={error}><div style={{ ...box, color: '#cf1322' }}>✕</div></Tooltip>;
  return <div style={box}>{src && <img src={src} alt={file} style={{ maxWidth: size, maxHeight: size }} />}</div>;
}
