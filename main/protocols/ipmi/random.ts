// Random bytes for RMCP+ (IVs, the console random number Rm, session IDs, message tags) served from
// one 4 KiB block of the OS CSPRNG: a randomBytes() call per packet costs more than the AES that
// uses its result. A used-up block is replaced, never refilled in place, so slices handed out earlier
// (an Rm kept through the handshake) never change under their holder.
import { randomBytes } from 'node:crypto';

const BLOCK = 4096;
let block = randomBytes(BLOCK);
let used = 0;

/** n fresh random bytes (n <= 4096); a view into the current block, never shared with another caller. */
export function freshRandom(n: number): Buffer {
  if (used + n > BLOCK) {
    block = randomBytes(BLOCK);
    used = 0;
  }
  const out = block.subarray(used, used + n);
  used += n;
  return out;
}

export const randomByte = (): number => freshRandom(1)[0];
export const randomU32 = (): number => freshRandom(4).readUInt32LE(0);
