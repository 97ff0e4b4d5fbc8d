import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli';

export interface ServeProcess { url: string; origin: string; child: ChildProcess; stop(): Promise<void> }

/** Starts `clusterdeck serve --port 0` as a user would and waits for the URL it prints. */
export async function startServe(dataDir: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'serve', '--port', '0'], {
    env: { ...process.env, CLUSTERDECK_PASSPHRASE: 'test-passphrase', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in 15 s\n${out}\n${err}`)), 15_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}\n${err}`)); });
  });
  return {
    url,
    origin: new URL(url).origin,
    child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }),
  };
}
