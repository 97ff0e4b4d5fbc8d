import os from 'node:os';
import path from 'node:path';

/**
 * The data folder: --data-dir, else CLUSTERDECK_DATA_DIR, else the platform's app-data folder —
 * the same one Electron's app.getPath('userData') gives ClusterDeck, so the CLI, `serve` and the
 * desktop app share one store by default.
 */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  if (env.CLUSTERDECK_DATA_DIR) return path.resolve(env.CLUSTERDECK_DATA_DIR);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'ClusterDeck');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'ClusterDeck');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'ClusterDeck');
  }
}
