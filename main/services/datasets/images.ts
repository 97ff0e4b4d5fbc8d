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

/**
 * Uncompressed 24- and 32-bit BMPs as raw RGB(A) for sharp, whose prebuilt libvips cannot load
 * BMP. Other BMPs (palette, RLE) are refused with a clear reason.
 */
export function decodeBmp(buf: Buffer): { data: Buffer; width: number; height: number; channels: 3 | 4 } {
  const size = bmpSize(buf);
  if (!size) throw new Error('not a BMP file');
  const offset = buf.readUInt32LE(10), bits = buf.readUInt16LE(28), compression = buf.readUInt32LE(30);
  if ((bits !== 24 && bits !== 32) || (compression !== 0 && compression !== 3)) throw new Error(`BMP with ${bits}-bit pixels and compression ${compression} is not supported (only uncompressed 24/32-bit)`);
  const { width, height } = size;
  const topDown = buf.readInt32LE(22) < 0;
  const bpp = bits / 8, stride = Math.ceil((width * bpp) / 4) * 4;
  if (offset + stride * height > buf.length) throw new Error('the BMP file is truncated');
  // In a 32-bit BMP without compression the fourth byte is unused (usually 0): copying it as alpha would make the
  // image invisible. Only a BITFIELDS header with an alpha mask (V4/V5, mask at byte 54) carries alpha.
  const headerSize = buf.readUInt32LE(14);
  const hasAlpha = bits === 32 && compression === 3 && headerSize >= 56 && buf.length >= 58 && buf.readUInt32LE(54) !== 0;
  const channels: 3 | 4 = hasAlpha ? 4 : 3;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const i = row + x * bpp, o = (y * width + x) * channels;
      data[o] = buf[i + 2];
      data[o + 1] = buf[i + 1];
      data[o + 2] = buf[i];
      if (channels === 4) data[o + 3] = buf[i + 3];
    }
  }
  return { data, width, height, channels };
}

/** A sharp pipeline for any supported image file, BMP included. */
export function openImage(file: string, options: sharp.SharpOptions = {}): sharp.Sharp {
  if (path.extname(file).toLowerCase() !== '.bmp') return sharp(file, options);
  const bmp = decodeBmp(fs.readFileSync(file));
  return sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: bmp.channels } });
}

/** Size of one image, decoding it fully so corrupt or truncated files are caught now. */
export async function probeImage(root: string, file: string, thumbs: ThumbnailCache): Promise<ProbedImage> {
  const full = path.join(root, file);
  let bytes = 0;
  try {
    bytes = fs.statSync(full).size;
    if (path.extname(file).toLowerCase() === '.bmp') {
      const { width, height } = decodeBmp(fs.readFileSync(full));
      await thumbs.get(full, 160);
      return { file, width, height, bytes, error: null };
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
      const buf = await openImage(file, { failOn: 'truncated' }).rotate().resize(size, size, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
      fs.mkdirSync(path.dirname(cached), { recursive: true });
      fs.writeFileSync(cached, buf);
      return buf;
    }
  }
}

/** Images whose longer side is above this are shown through a tile pyramid. */
export const TILE_ABOVE = 4096;
export const TILE_SIZE = 512;
/** The longer side of the overview sent first. */
export const OVERVIEW_SIDE = 2048;

export interface Pyramid { dir: string; width: number; height: number; maxLevel: number; overviewScale: number }
export interface PyramidProgress { pending: number; built: number; total: number }

/**
 * Deep Zoom tile pyramids made with sharp, cached on disk beside the thumbnails (…/cache/pyramids),
 * keyed like the thumbnails by path, modification time and length. A pyramid is built into a
 * temporary folder and renamed into place, so a half-built one is never read; concurrent asks for
 * the same image share one build.
 */
export class PyramidCache {
  private readonly building = new Map<string, Promise<Pyramid>>();
  private readonly queue: { file: string; width: number; height: number }[] = [];
  private drained: Promise<void> = Promise.resolve();
  private built = 0;
  private total = 0;
  constructor(private readonly dir: string) {}

  /**
   * Builds the pyramids of these large images in the background, one at a time (creating or
   * importing a dataset returns without waiting for them). Opening one before its turn builds it at
   * once; the queue then finds it cached.
   */
  prepare(images: { file: string; width: number; height: number }[]): void {
    if (images.length === 0) return;
    const idle = this.queue.length === 0 && this.built === this.total;
    this.queue.push(...images);
    this.total += images.length;
    if (!idle) return;
    this.drained = (async () => {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        await this.get(next.file, next.width, next.height).catch(() => null); // an unreadable image says so when it is opened
        this.built++;
      }
      this.built = this.total = 0;
    })();
  }

  /** How far the background builds got (all zero when none is waiting). */
  progress(): PyramidProgress {
    return { pending: this.total - this.built, built: this.built, total: this.total };
  }

  /** Resolves once the background builds are done. */
  idle(): Promise<void> {
    return this.drained;
  }

  private key(file: string): string {
    const st = fs.statSync(file);
    return crypto.createHash('sha1').update(`${file}\0${st.mtimeMs}\0${st.size}`).digest('hex');
  }

  /** The pyramid of `file` (width × height), building it when it is not cached yet. */
  get(file: string, width: number, height: number): Promise<Pyramid> {
    const key = this.key(file);
    const dir = path.join(this.dir, key);
    const maxLevel = Math.ceil(Math.log2(Math.max(width, height)));
    const overviewScale = Math.min(1, OVERVIEW_SIDE / Math.max(width, height));
    const done: Pyramid = { dir, width, height, maxLevel, overviewScale };
    if (fs.existsSync(path.join(dir, 'overview.jpg'))) return Promise.resolve(done);
    let p = this.building.get(key);
    if (!p) {
      p = (async () => {
        const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
        fs.mkdirSync(tmp, { recursive: true });
        try {
          const source = openImage(file, { limitInputPixels: false, failOn: 'truncated' });
          await Promise.all([
            source.clone().jpeg({ quality: 85 }).tile({ size: TILE_SIZE, overlap: 0, layout: 'dz', container: 'fs' }).toFile(path.join(tmp, 'image.dz')),
            source.clone().resize(Math.max(1, Math.round(width * overviewScale)), Math.max(1, Math.round(height * overviewScale)), { fit: 'fill' }).jpeg({ quality: 85 }).toFile(path.join(tmp, 'overview.jpg')),
          ]);
          fs.rmSync(dir, { recursive: true, force: true });
          fs.renameSync(tmp, dir);
          return done;
        } catch (e) {
          fs.rmSync(tmp, { recursive: true, force: true });
          throw e;
        } finally {
          this.building.delete(key);
        }
      })();
      this.building.set(key, p);
    }
    return p;
  }

  /** One tile's JPEG bytes; null when the tile is outside the level. */
  tile(p: Pyramid, level: number, col: number, row: number): Buffer | null {
    try {
      return fs.readFileSync(path.join(p.dir, 'image_files', String(level), `${col}_${row}.jpeg`));
    } catch {
      return null;
    }
  }
}
