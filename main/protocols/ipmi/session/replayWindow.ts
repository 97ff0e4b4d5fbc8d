// Sliding window of 32 over the BMC's session sequence numbers (section 6.12.13): a packet is
// accepted once; a replayed or much older one is dropped.

export class ReplayWindow {
  private highest = 0;
  private seen = 0; // bit n: highest - n was accepted

  /** True the first time `seq` is seen within the window; 0 is never valid. */
  accept(seq: number): boolean {
    if (seq === 0) return false;
    if (seq > this.highest) {
      const shift = seq - this.highest;
      this.seen = shift >= 32 ? 1 : ((this.seen << shift) | 1) >>> 0;
      this.highest = seq;
      return true;
    }
    const back = this.highest - seq;
    if (back >= 32) return false;
    const bit = (1 << back) >>> 0;
    if ((this.seen & bit) !== 0) return false;
    this.seen = (this.seen | bit) >>> 0;
    return true;
  }
}
