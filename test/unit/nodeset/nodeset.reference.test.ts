// Every corpus line through ClusterShell's `nodeset -e`, `-f` and `-c` and through our module:
// the answers must be identical, and where ClusterShell refuses a line we must throw a
// NODESET_* AppError. Groups come from the same data on both sides (reference.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { NodeSet } from '../../../shared/nodeset';
import {
  groupOptions,
  hasReference,
  readCorpus,
  runAll,
  runNodeset,
  writeGroupsConfig,
  type Answer,
  type GroupsConfig,
  type Mode,
} from './reference';

const corpus = readCorpus();
const MODES: Mode[] = ['-e', '-f', '-c'];

type Ours = { ok: true; e: string; f: string; c: string } | { ok: false; error: unknown };

function ours(expr: string): Ours {
  try {
    const ns = NodeSet.parse(expr, groupOptions);
    return { ok: true, e: ns.expand().join(' '), f: ns.fold(), c: String(ns.size) };
  } catch (error) {
    return { ok: false, error };
  }
}

it('the corpus is large enough', () => {
  expect(corpus.length).toBeGreaterThanOrEqual(120);
  expect(new Set(corpus).size).toBe(corpus.length);
});

describe.skipIf(!hasReference)('same answers as ClusterShell nodeset 1.9.1', () => {
  let config: GroupsConfig;
  const reference = new Map<string, Record<Mode, Answer>>();

  beforeAll(async () => {
    config = writeGroupsConfig();
    const jobs = corpus.flatMap((expr) => MODES.map((mode) => () => runNodeset(mode, expr, config.file)));
    const answers = await runAll(jobs);
    corpus.forEach((expr, i) => {
      reference.set(expr, { '-e': answers[3 * i], '-f': answers[3 * i + 1], '-c': answers[3 * i + 2] });
    });
  }, 180_000);

  afterAll(() => config?.dispose());

  it('the reference answers the version check', async () => {
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('/usr/bin/nodeset', ['--version'], { encoding: 'utf8' })).toContain('1.9.1');
  });

  it.each(corpus.map((expr) => [JSON.stringify(expr), expr]))('%s', (_label, expr) => {
    const ref = reference.get(expr) as Record<Mode, Answer>;
    const mine = ours(expr);
    const refOk = MODES.map((m) => ref[m].ok);
    // ClusterShell either accepts a line in all three modes or in none
    expect(new Set(refOk).size).toBe(1);
    if (!ref['-f'].ok) {
      expect(mine.ok, `ClusterShell refuses it (${ref['-f'].err}) but we accept it`).toBe(false);
      const error = (mine as { error: unknown }).error;
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toMatch(/^NODESET_(SYNTAX|RANGE|UNKNOWN_GROUP)$/);
      expect((error as AppError).params.expression).toBe(expr);
      return;
    }
    if (!mine.ok) throw mine.error;
    expect(mine.e).toBe((ref['-e'] as { out: string }).out);
    expect(mine.f).toBe((ref['-f'] as { out: string }).out);
    expect(mine.c).toBe((ref['-c'] as { out: string }).out);
  });
});

if (!hasReference) {
  it.skip('reference comparison skipped: /usr/bin/nodeset is not installed (apt-get install clustershell)', () => {});
}
