import { z } from 'zod';

// The SFTP file manager (Consoles → Files, `clusterdeck files`). Remote names are bytes: each one
// travels as a display string (escaped when it is not valid UTF-8 or holds control characters)
// plus its raw bytes in base64, and any remote path input may give `pathB64` instead of `path`
// so a name that cannot be typed is still addressable.

const node = z.string().min(1, 'pick a node').max(255);
const remotePath = z.string().min(1, 'the remote path is empty').max(4096);
const b64 = z.string().max(8192).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');

export const RemoteRef = z.object({
  node,
  path: remotePath,
  /** The path's raw bytes (base64); wins over `path` when given. */
  pathB64: b64.optional(),
});
export type RemoteRef = z.input<typeof RemoteRef>;

export const ENTRY_TYPES = ['file', 'dir', 'symlink', 'other'] as const;
export const FileEntry = z.object({
  /** Display name: exact when valid UTF-8 without control characters, else escaped (\n, \xHH). */
  name: z.string(),
  /** The raw name bytes, base64. */
  nameB64: z.string(),
  /** Display path and raw path (base64) of the entry. */
  path: z.string(),
  pathB64: z.string(),
  /** True when `name` is an escaped form and not the literal name. */
  escaped: z.boolean(),
  type: z.enum(ENTRY_TYPES),
  size: z.number(),
  mode: z.number().int(),
  mtime: z.number(),
});
export type FileEntry = z.infer<typeof FileEntry>;

export const ListResult = z.object({ node: z.string(), path: z.string(), pathB64: z.string(), entries: z.array(FileEntry) });
export type ListResult = z.infer<typeof ListResult>;

export const StatResult = FileEntry;

export const MkdirInput = RemoteRef.extend({ parents: z.boolean().default(false) });
export const RenameInput = RemoteRef.extend({
  /** New path (absolute, or a bare name to rename within the same folder). */
  to: remotePath,
  overwrite: z.boolean().default(false),
});
export const DeleteInput = RemoteRef.extend({
  /** Folders are removed (with everything in them) only with this flag. */
  recursive: z.boolean().default(false),
});

/** Text files read or written whole; larger ones are refused. */
export const MAX_TEXT_BYTES = 1024 * 1024;
export const ReadTextResult = z.object({ path: z.string(), text: z.string(), size: z.number(), mtime: z.number() });
export type ReadTextResult = z.infer<typeof ReadTextResult>;
export const WriteTextInput = RemoteRef.extend({ text: z.string().max(MAX_TEXT_BYTES) });

export const UploadInput = z.object({
  node,
  /** A file or folder on the machine running ClusterDeck. */
  localPath: z.string().min(1, 'the local path is empty').max(4096),
  /** The remote folder that receives it (under its own name). */
  remoteDir: remotePath,
  remoteDirB64: b64.optional(),
  overwrite: z.boolean().default(false),
});
export type UploadInput = z.input<typeof UploadInput>;

export const DownloadInput = RemoteRef.extend({
  /** The local folder that receives the file or folder (under its own name). */
  localDir: z.string().min(1, 'the local folder is empty').max(4096),
  overwrite: z.boolean().default(false),
});
export type DownloadInput = z.input<typeof DownloadInput>;

export const TransferProgress = z.object({
  bytesDone: z.number(),
  bytesTotal: z.number(),
  filesDone: z.number().int(),
  filesTotal: z.number().int(),
  /** Display path of the file being copied. */
  current: z.string(),
});
export type TransferProgress = z.infer<typeof TransferProgress>;

export const TransferEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), auditId: z.number().int(), bytesTotal: z.number(), filesTotal: z.number().int() }),
  z.object({ type: z.literal('progress'), progress: TransferProgress }),
  z.object({ type: z.literal('done'), progress: TransferProgress, target: z.string() }),
]);
export type TransferEvent = z.infer<typeof TransferEvent>;
