// Reference harness: runs ClusterShell's own `nodeset` on the same input as our module.
//
// The groups below are written as a ClusterShell YAML group file in a temporary folder and
// given to `nodeset --groupsconf`, and the same data backs the resolver we pass to NodeSet, so
// both sides see identical groups. Calls run a few at a time (each is a Python start-up).

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeSetOptions } from '../../../shared/nodeset';

export const NODESET_BIN = '/usr/bin/nodeset';
export const hasReference = existsSync(NODESET_BIN);

/** Group sources: the first one is the default source. */
export const GROUPS: Record<string, Record<string, string>> = {
  main: {
    compute: 'n[1-10]',
    gpu: 'gpu[01-16]',
    login: 'login1 login2',
    both: '@compute,@gpu',
    rack1: 'r1n[1-4]',
    rack2: 'r2n[1-4]',
    racks: '@rack[1-2]',
    odd: 'n[1-9/2]',
    nested: '@both!n[5-10]',
    empty: '',
  },
  other: {
    compute: 'x[1-3]',
    self: '@compute',
    mixed: 'x[2-5],y1',
  },
};

const DEFAULT_SOURCE = Object.keys(GROUPS)[0];

/** Our side of the same groups, split on whitespace the way ClusterShell's sources are. */
export const groupOptions: NodeSetOptions = {
  resolveGroup: (group, source) => {
    const value = GROUPS[source ?? DEFAULT_SOURCE]?.[group];
    return value === undefined ? undefined : [value];
  },
  listGroups: (source) => {
    const groups = GROUPS[source ?? DEFAULT_SOURCE];
    return groups ? Object.keys(groups) : undefined;
  },
};

export interface GroupsConfig {
  file: string;
  dispose(): void;
}

export function writeGroupsConfig(): GroupsConfig {
  const dir = mkdtempSync(join(tmpdir(), 'clusterdeck-nodeset-'));
  const auto = join(dir, 'groups.d');
  mkdirSync(auto);
  const yaml = Object.entries(GROUPS)
    .map(([source, groups]) =>
      [`${source}:`, ...Object.entries(groups).map(([g, v]) => `  ${g}: '${v.replace(/'/g, "''")}'`)].join('\n'),
    )
    .join('\n');
  writeFileSync(join(auto, 'groups.yaml'), `${yaml}\n`);
  const file = join(dir, 'groups.conf');
  writeFileSync(file, `[Main]\ndefault: ${DEFAULT_SOURCE}\nconfdir:\nautodir: ${auto}\n`);
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export type Mode = '-e' | '-f' | '-c';
export type Answer = { ok: true; out: string } | { ok: false; err: string };

export function runNodeset(mode: Mode, expr: string, groupsconf: string): Promise<Answer> {
  return new Promise((resolve) => {
    execFile(
      NODESET_BIN,
      [`--groupsconf=${groupsconf}`, mode, '--', expr],
      { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8', PYTHONIOENCODING: 'utf-8' } },
      (error, stdout, stderr) => {
        if (error) resolve({ ok: false, err: (stderr || error.message).trim() });
        else resolve({ ok: true, out: stdout.replace(/\n$/, '') });
      },
    );
  });
}

/** Run jobs with bounded concurrency, keeping results in order. */
export async function runAll<T>(jobs: (() => Promise<T>)[], width = Math.max(2, cpus().length)): Promise<T[]> {
  const results = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}

/** Corpus lines: verbatim, except "#" comments and empty lines. */
export function readCorpus(): string[] {
  return readFileSync(fileURLToPath(new URL('./corpus.txt', import.meta.url)), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));
}
