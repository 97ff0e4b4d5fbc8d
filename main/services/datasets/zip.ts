// A minimal ZIP writer (deflate, UTF-8 names, no ZIP64: archives up to 4 GB, 65,535 entries),
// enough to publish a dataset version without another dependency.
import fs from 'node:fs';
import zlib from 'node:zlib';

export function writeZip(file: string, entries: { name: string; data: Buffer }[]): number {
  if (entries.length > 0xffff) throw new Error(`a zip without ZIP64 holds at most 65,535 files, not ${entries.length}`);
  const fd = fs.openSync(file, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  const write = (b: Buffer) => {
    fs.writeSync(fd, b);
    offset += b.length;
  };
  try {
    for (const e of entries) {
      const name = Buffer.from(e.name, 'utf8');
      const deflated = zlib.deflateRawSync(e.data);
      const stored = deflated.length >= e.data.length;
      const body = stored ? e.data : deflated;
      const crc = zlib.crc32(e.data);
      if (offset + body.length > 0xfffffffe) throw new Error('the archive would pass 4 GB, which needs ZIP64');
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0800, 6); // UTF-8 names
      local.writeUInt16LE(stored ? 0 : 8, 8);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(body.length, 18);
      local.writeUInt32LE(e.data.length, 22);
      local.writeUInt16LE(name.length, 26);
      const at = offset;
      write(local);
      write(name);
      write(body);
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(20, 4);
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(0x0800, 8);
      c.writeUInt16LE(stored ? 0 : 8, 10);
      c.writeUInt32LE(crc, 16);
      c.writeUInt32LE(body.length, 20);
      c.writeUInt32LE(e.data.length, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE(at, 42);
      central.push(c, name);
    }
    const start = offset;
    for (const b of central) write(b);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(offset - start, 12);
    end.writeUInt32LE(start, 16);
    write(end);
  } finally {
    fs.closeSync(fd);
  }
  return offset;
}
