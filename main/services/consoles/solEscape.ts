/**
 * ipmitool's SOL escape at the start of a line: "~B" sends a serial break, "~~" types one "~";
 * "~" followed by anything else passes through unchanged. The terminal component has no break key,
 * so this is how a person sends one (e.g. for a Linux magic SysRq) from a `sol` console.
 */
export class SolEscape {
  private atLineStart = true;
  private pendingTilde = false;

  /** Splits typed bytes into what goes to the serial port and where breaks fall, in order. */
  feed(data: Buffer): (Buffer | 'break')[] {
    const out: (Buffer | 'break')[] = [];
    let run: number[] = [];
    const flush = () => {
      if (run.length) out.push(Buffer.from(run));
      run = [];
    };
    for (const byte of data) {
      if (this.pendingTilde) {
        this.pendingTilde = false;
        if (byte === 0x42 /* B */) {
          flush();
          out.push('break');
          this.atLineStart = false;
          continue;
        }
        run.push(0x7e);
        if (byte === 0x7e) {
          this.atLineStart = false;
          continue;
        }
      } else if (byte === 0x7e && this.atLineStart) {
        this.pendingTilde = true;
        continue;
      }
      run.push(byte);
      this.atLineStart = byte === 0x0d || byte === 0x0a;
    }
    flush();
    return out;
  }
}
