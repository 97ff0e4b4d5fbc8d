import { describe, expect, it } from 'vitest';
import { SolEscape } from '../../../main/services/consoles/solEscape';

const feed = (e: SolEscape, s: string) => e.feed(Buffer.from(s)).map((p) => (p === 'break' ? '<BRK>' : p.toString()));

describe('SOL escape (~B at the start of a line)', () => {
  it('turns ~B at the start of a line into a break and keeps everything else', () => {
    const e = new SolEscape();
    expect(feed(e, '~Bls\r')).toEqual(['<BRK>', 'ls\r']);
    expect(feed(e, 'a~B\r~~\r~x')).toEqual(['a~B\r~\r~x']);
  });

  it('holds a lone ~ at the start of a line until the next keystroke', () => {
    const e = new SolEscape();
    expect(feed(e, '~')).toEqual([]);
    expect(feed(e, 'B')).toEqual(['<BRK>']);
    expect(feed(e, 'echo\n~')).toEqual(['echo\n']);
    expect(feed(e, 'q')).toEqual(['~q']);
  });
});
