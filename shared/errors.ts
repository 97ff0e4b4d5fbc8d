// Errors cross every boundary (IPC, WebSocket, CLI) as data, not as stack traces: a stable
// machine code, the key of a translated message, and the parameters that message needs.
// The English text travels along so logs and the CLI read well without a catalog.

export type ErrorParams = Record<string, string | number | boolean | null>;

export interface AppErrorData {
  code: string;
  /** i18n key under the `errors` namespace; defaults to the code itself. */
  key: string;
  params: ErrorParams;
  message: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly key: string;
  readonly params: ErrorParams;

  constructor(code: string, message: string, params: ErrorParams = {}, key: string = code) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.key = key;
    this.params = params;
  }

  toData(): AppErrorData {
    return { code: this.code, key: this.key, params: this.params, message: this.message };
  }

  static is(value: unknown): value is AppError {
    return value instanceof AppError;
  }
}

/** A result for per-item outcomes in batches, where one failure must not throw away the rest. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: AppError | AppErrorData): Result<never> => ({
  ok: false,
  error: error instanceof AppError ? error.toData() : error,
});
