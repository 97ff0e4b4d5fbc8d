// Image files on disk: finding them in a folder, reading their size, and cached thumbnails.
// The images stay where they are; thumbnails live in the data folder and can be rebuilt.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.bmp']);

/** Image files under `root`, as '/'-separated relative paths in a stable order. */
export function findImages(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else if (e.isFile() && IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push(r);
    }
  };
  walk(root, '');
  return out;
}

export interface ProbedImage { file: string; width: number | null; height: number | null; bytes: number; error: string | null }

// sharp decodes BMP only through libvips' magick loader, which the prebuilt binary lacks; the
// BMP header is simple enough to read here (BITMAPINFOHEADER: width at 18, height at 22).
function bmpSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.length < 26 || buf.toString('latin1', 0, 2) !== 'BM') return null;
  const width = buf.readInt32LE(18), height = Math.abs(buf.readInt32LE(22));
  return width > 0 && height > 0 ? { width, height } : null;
}

/** Size of one image, decoding it fully so corrupt or truncated files are caught now. */
export async function probeImage(root: string, file: string, thumbs: ThumbnailCache): Promise<ProbedImage> {
  const full = path.join(root, file);
  let bytes = 0;
  try {
    bytes = fs.statSync(full).size;
    if (path.extname(file).toLowerCase() === '.bmp') {
      const size = bmpSize(fs.readFileSync(full).subarray(0, 26));
      if (!size) return { file, width: null, height: null, bytes, error: 'not a BMP file ClusterDeck can read' };
      return { file, ...size, bytes, error: null };
    }
    const meta = await sharp(full).metadata();
    if (!meta.width || !meta.height) return { file, width: null, height: null, bytes, error: 'no image size in the file' };
    await thumbs.get(full, 160); // decodes every pixel: truncation shows here
    return { file, width: meta.width, height: meta.height, bytes, error: null };
  } catch (e) {
    const why = (e as Error).message.split('\n')[0].trim();
    return { file, width: null, height: null, bytes, error: `cannot read the image (corrupt or truncated?): ${why}` };
  }
}

/** Runs `fn` over items with at most `limit` at once, results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

export class ThumbnailCache {
  constructor(private readonly dir: string) {}

  /** A WebP thumbnail no larger than size×size, cached by path, size, modification time and length. */
  async get(file: string, size: number): Promise<Buffer> {
    const st = fs.statSync(file);
    const key = crypto.createHash('sha1').update(`${file}\0${size}\0${st.mtimeMs}\0${st.size}`).digest('hex');
    const cached = path.join(this.dir, key.slice(0, 2), `${key}.webp`);
    try {
      return fs.readFileSync(cached);
    } catch {
      const buf = await sharp(file, { failOn: 'truncated' }).rotate().resize(size, size, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
      fs.mkdirSync(path.dirname(cached), { recursive: true });
      fs.writeFileSync(cached, buf);
      return buf;
    }
  }
}
