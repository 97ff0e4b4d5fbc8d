/** Device pixels of room around the image in the bitmap, for outlines on its edges. */
const MARGIN = 4;

/**
 * The painter's output at one zoom, kept in a bitmap of the whole image, so that a frame that only
 * pans (or redraws the picture under unchanged shapes) copies one bitmap instead of rasterizing
 * thousands of outlines again. It is made only when two draws in a row have the same zoom (a wheel
 * zoom changes it every frame: those frames paint directly) and only while the image at that zoom
 * stays under `limit` device pixels (a deep zoom into a large image paints directly too). The bitmap
 * is placed on whole device pixels, so outlines stay sharp; they may sit up to half a pixel off.
 */
export class PaintCache {
  private bitmap: HTMLCanvasElement | null = null;
  private key = '';
  private lastScale = NaN;
  private version = 0;

  constructor(private readonly limit: number) {}

  /** What is painted changed: the next draw paints again. */
  invalidate(): void {
    this.version++;
  }

  /**
   * Draws into `ctx` (whose transform maps image pixels to device pixels, `scale` screen pixels and
   * `ratio` device pixels per screen pixel) what `paint` draws over an image of `width` × `height`.
   */
  draw(ctx: CanvasRenderingContext2D, scale: number, ratio: number, width: number, height: number, paint: (target: CanvasRenderingContext2D) => void): void {
    const steady = scale === this.lastScale;
    this.lastScale = scale;
    const k = scale * ratio, w = Math.ceil(width * k) + 2 * MARGIN, h = Math.ceil(height * k) + 2 * MARGIN;
    const key = `${this.version}|${k}`;
    if (key !== this.key) {
      if (!steady || w * h > this.limit) { this.key = ''; paint(ctx); return; }
      this.bitmap ??= document.createElement('canvas');
      this.bitmap.width = w; // also clears it
      this.bitmap.height = h;
      const target = this.bitmap.getContext('2d');
      if (!target) { paint(ctx); return; }
      target.setTransform(k, 0, 0, k, MARGIN, MARGIN);
      paint(target);
      this.key = key;
    }
    const m = ctx.getTransform();
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, Math.round(m.e) - MARGIN, Math.round(m.f) - MARGIN);
    ctx.drawImage(this.bitmap!, 0, 0);
    ctx.restore();
  }
}
