// Lines of a streaming HTTP body. (readline's async iterator never finishes when its input is
// destroyed rather than ended, which is exactly how a cancelled watch or log follow ends.)

import type { Readable } from 'node:stream';

export async function* linesOf(stream: Readable): AsyncGenerator<string, void, undefined> {
  stream.setEncoding('utf8');
  let buffer = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      yield buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
    }
  }
  if (buffer) yield buffer;
}
