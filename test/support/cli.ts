import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './tmp';

export const BIN = path.join(REPO, 'resources', 'bin', 'clusterdeck.cjs');

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs the built `clusterdeck` command as a user would. */
export function cli(dataDir: string, args: string[], opts: { input?: string; env?: Record<string, string>; spawn?: SpawnSyncOptions } = {}): CliResult {
  if (!fs.existsSync(path.join(REPO, 'out', 'main', 'cli.js'))) throw new Error('run `npm run build` before the CLI tests');
  const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    input: opts.input ?? '',
    env: { ...process.env, CLUSTERDECK_PASSPHRASE: 'test-passphrase', ...opts.env },
    timeout: 60_000,
    ...opts.spawn,
  });
  return { code: r.status ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/**
 * The same, without blocking this process: for tests whose peer (an HTTP server, the Kubernetes test API server)
 * lives in the test process and must answer while the command runs.
 */
export function cliAsync(dataDir: string, args: string[], opts: { env?: Record<string, string> } = {}): Promise<CliResult> {
  return spawnCollected(process.execPath, [BIN, '--data-dir', dataDir, ...args], { env: { ...process.env, CLUSTERDECK_PASSPHRASE: 'test-passphrase', ...opts.env } });
}

/** Any command, its output collected, without blocking this process. */
export function spawnCollected(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function csv(rows: string[]): string {
  return `${rows.join('\n')}\n`;
}

/**
 * Imports `count` generated nodes (name `nameOf(i)`, address `subnet.<i/256>.<i%256>`, i from 1) into a data folder
 * through the CLI, as a user's CSV would; the test fails if the import does.
 */
export function importGeneratedNodes(dir: string, data: string, count: number, nameOf: (i: number) => string, subnet: string): void {
  const rows = ['name,hostname,rack,u'];
  for (let i = 1; i <= count; i++) rows.push(`${nameOf(i)},${subnet}.${i >> 8}.${i & 255},,`);
  const file = path.join(dir, 'generated-nodes.csv');
  fs.writeFileSync(file, rows.join('\n'));
  const r = cli(data, ['nodes', 'import', file]);
  if (r.code !== 0) throw new Error(`nodes import failed: ${r.stderr}`);
}

