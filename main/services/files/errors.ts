// Every file error names the node, the path and the reason in words a person can act on.
import { AppError } from '../../../shared/errors';

export const FILES_ERROR = {
  NOT_FOUND: 'FILES_NOT_FOUND',
  PERMISSION: 'FILES_PERMISSION_DENIED',
  NO_SPACE: 'FILES_NO_SPACE',
  READ_ONLY: 'FILES_READ_ONLY',
  EXISTS: 'FILES_EXISTS',
  NOT_DIR: 'FILES_NOT_A_FOLDER',
  IS_DIR: 'FILES_IS_A_FOLDER',
  NOT_EMPTY: 'FILES_FOLDER_NOT_EMPTY',
  TOO_LARGE: 'FILES_TOO_LARGE',
  NOT_TEXT: 'FILES_NOT_TEXT',
  BAD_NAME: 'FILES_BAD_NAME',
  CANCELLED: 'FILES_CANCELLED',
  LOCAL: 'FILES_LOCAL_ERROR',
  FAILED: 'FILES_FAILED',
  ONE_NODE: 'FILES_ONE_NODE',
} as const;

export function filesError(code: string, message: string, params: Record<string, string | number | boolean | null> = {}): AppError {
  return new AppError(code, message, params);
}

/** SFTP status codes (draft-ietf-secsh-filexfer-02) as ssh2 reports them in `err.code`. */
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;

/**
 * Maps an SFTP or shell failure on `path` to an AppError. `why` refines SFTP's generic FAILURE
 * (OpenSSH reports ENOSPC, EROFS, ENOTDIR, EEXIST all as "Failure"): the caller probes the
 * file system and passes what it found.
 */
export function remoteError(node: string, path: string, op: string, err: unknown, why?: 'no-space' | 'read-only' | 'exists' | 'not-dir'): AppError {
  if (AppError.is(err)) return err;
  const e = err as { code?: unknown; message?: string };
  const where = `${node}:${path}`;
  const p = { node, path, op };
  if (why === 'no-space') return filesError(FILES_ERROR.NO_SPACE, `Cannot ${op} ${where}: no space left on the device holding ${path}.`, p);
  if (why === 'read-only') return filesError(FILES_ERROR.READ_ONLY, `Cannot ${op} ${where}: ${path} is on a read-only file system.`, p);
  if (why === 'exists') return filesError(FILES_ERROR.EXISTS, `Cannot ${op} ${where}: ${path} already exists.`, p);
  if (why === 'not-dir') return filesError(FILES_ERROR.NOT_DIR, `Cannot ${op} ${where}: a part of ${path} is a file where a folder is expected.`, p);
  if (e.code === SFTP_NO_SUCH_FILE || e.code === 'ENOENT') return filesError(FILES_ERROR.NOT_FOUND, `Cannot ${op} ${where}: no such file or folder ${path}.`, p);
  if (e.code === SFTP_PERMISSION_DENIED || e.code === 'EACCES' || e.code === 'EPERM') {
    return filesError(FILES_ERROR.PERMISSION, `Cannot ${op} ${where}: permission denied on ${path}.`, p);
  }
  return filesError(FILES_ERROR.FAILED, `Cannot ${op} ${where}: ${e.message ?? String(err)}.`, { ...p, reason: e.message ?? String(err) });
}

/** Local (this machine's) file errors, by errno. */
export function localError(path: string, op: string, err: unknown): AppError {
  if (AppError.is(err)) return err;
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: `no such file or folder ${path}`,
    EACCES: `permission denied on ${path}`,
    EPERM: `permission denied on ${path}`,
    ENOSPC: `no space left on the device holding ${path}`,
    EROFS: `${path} is on a read-only file system`,
    EEXIST: `${path} already exists`,
    ENOTDIR: `a part of ${path} is a file where a folder is expected`,
    EISDIR: `${path} is a folder`,
  };
  const reason = reasons[e.code ?? ''] ?? `${e.message}`;
  return filesError(FILES_ERROR.LOCAL, `Cannot ${op} ${path} on this machine: ${reason}.`, { path, op, errno: e.code ?? '' });
}

export function cancelled(what: string): AppError {
  return filesError(FILES_ERROR.CANCELLED, `${what} was cancelled.`, { what });
}
