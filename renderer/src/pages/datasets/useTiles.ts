import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { ImageView } from '../../../../shared/contract/schemas/datasets';

export interface ShownTile { key: string; image: HTMLImageElement; x: number; y: number; width: number; height: number }

const KEEP = 256;

/**
 * The tiles of a large image that the current view needs, in full-resolution image coordinates:
 * the level whose pixels are at least as fine as the screen's, only the tiles in sight. Tiles load
 * in the background (the overview stays under them) and the last few hundred are kept.
 */
export function useTiles(dataset: string, file: string, picture: ImageView | null, view: { scale: number; x: number; y: number }, width: number, height: number): { shown: ShownTile[] } {
  const cache = useRef(new Map<string, HTMLImageElement | 'loading' | 'failed'>());
  const [, setTick] = useState(0);
  useEffect(() => { cache.current.clear(); }, [dataset, file]);

  const shown: ShownTile[] = [];
  if (!picture?.tiled) return { shown };
  const screen = view.scale * (window.devicePixelRatio || 1);
  if (screen <= picture.overview.scale) return { shown }; // the overview is fine enough
  const level = Math.max(0, Math.min(picture.maxLevel, picture.maxLevel + Math.ceil(Math.log2(screen))));
  const f = 2 ** (picture.maxLevel - level);
  const side = picture.tileSize * f;
  const levelW = Math.ceil(picture.width / f), levelH = Math.ceil(picture.height / f);
  const cols = Math.ceil(levelW / picture.tileSize), rows = Math.ceil(levelH / picture.tileSize);
  const x0 = Math.max(0, Math.floor(-view.x / view.scale / side)), x1 = Math.min(cols - 1, Math.floor((width - view.x) / view.scale / side));
  const y0 = Math.max(0, Math.floor(-view.y / view.scale / side)), y1 = Math.min(rows - 1, Math.floor((height - view.y) / view.scale / side));
  for (let row = y0; row <= y1; row++) {
    for (let col = x0; col <= x1; col++) {
      // The file is part of the key: replies still arriving for the previous image must not show on this one.
      const key = `${dataset}/${file}/${level}/${col}/${row}`;
      const got = cache.current.get(key);
      if (got === undefined) {
        cache.current.set(key, 'loading');
        api.datasets.imageTile.query({ name: dataset, file, level, col, row }).then((tile) => {
          const img = new window.Image();
          img.onload = () => {
            cache.current.set(key, img);
            while (cache.current.size > KEEP) cache.current.delete(cache.current.keys().next().value!);
            setTick((n) => n + 1);
          };
          img.src = tile.dataUrl;
        }, () => cache.current.set(key, 'failed'));
      } else if (got !== 'loading' && got !== 'failed') {
        const w = Math.min(picture.tileSize, levelW - col * picture.tileSize) * f, h = Math.min(picture.tileSize, levelH - row * picture.tileSize) * f;
        shown.push({ key, image: got, x: col * side, y: row * side, width: Math.min(w, picture.width - col * side), height: Math.min(h, picture.height - row * side) });
      }
    }
  }
  return { shown };
}
