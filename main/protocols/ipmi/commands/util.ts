import { ipmiError } from '../errors';

/** Throws IPMI_BAD_RESPONSE when a response is shorter than the command's fixed part. */
export function need(data: Buffer, n: number, what: string, target: string): void {
  if (data.length < n) {
    throw ipmiError('IPMI_BAD_RESPONSE', `BMC ${target} sent a ${what} response of ${data.length} bytes, ${n} expected.`, {
      target,
      command: what,
      length: data.length,
    });
  }
}

export const hex = (n: number, width = 2): string => `0x${n.toString(16).padStart(width, '0')}`;

export const bcd = (b: number): number => (b >> 4) * 10 + (b & 0x0f);
