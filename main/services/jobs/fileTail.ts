import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** The last `maxBytes` of a local file as UTF-8 ('' when it does not exist yet): a job's output tail. */
export function fileTail(path: string, maxBytes: number): string {
  if (!existsSync(path)) return '';
  const size = statSync(path).size;
  const start = Math.max(0, size - maxBytes);
  const buf = Buffer.alloc(size - start);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, start);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8');
}
