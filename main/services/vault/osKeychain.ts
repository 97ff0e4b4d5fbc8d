/** The OS keychain as the desktop host offers it (Electron safeStorage); absent under serve and the CLI. */
export interface OsKeychain {
  isAvailable(): boolean;
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}
