/**
 * One idea for every console (Tabby's BaseSession): bytes out, bytes in, a size, and a way to
 * stop the producer. An SSH shell, a serial-over-LAN console and a `kubectl exec` all fit.
 */
export interface ByteSession {
  onData(listener: (chunk: Buffer) => void): void;
  onExit(listener: (info: { code: number | null; reason: string }) => void): void;
  write(data: Buffer): void;
  resize(cols: number, rows: number): void;
  /** Stop reading from the source (TCP backpressure reaches the remote program). */
  pause(): void;
  resume(): void;
  /** May finish asynchronously (SOL must tell the BMC to deactivate before the process exits). */
  close(): void | Promise<void>;
}

export interface SessionRequest {
  target: string;
  cols: number;
  rows: number;
  signal: AbortSignal;
}

export type SessionFactory = (request: SessionRequest) => Promise<ByteSession>;
