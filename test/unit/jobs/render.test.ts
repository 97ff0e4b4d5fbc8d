import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATES } from '../../../main/services/jobs/builtinTemplates';
import { lintTemplate, renderTemplate } from '../../../main/services/jobs/render';
import type { TemplateBody } from '../../../shared/contract/schemas/jobs';

const NASTY = ["'; rm -rf ~ #", '$(id)', '`id`', 'line1\nline2', 'key: {', '"double" \\ back', '*', '${HOME}', '-n'];
const byName = (n: string) => BUILTIN_TEMPLATES.find((t) => t.name === n)!;

describe('built-in templates', () => {
  it('ships the ten templates, each schema agreeing with its script or manifest', () => {
    expect(BUILTIN_TEMPLATES.map((t) => t.name).sort()).toEqual(['horovod', 'jupyter', 'jupyter-k8s', 'k8s-job', 'pytorch-ddp', 'shell', 'slurm-mpi', 'slurm-single-gpu', 'tensorboard', 'tensorboard-k8s', 'tensorflow', 'volcano-job']);
    for (const t of BUILTIN_TEMPLATES) {
      expect(lintTemplate(t), t.name).toEqual([]);
      expect(() => renderTemplate(t, 1, {}), t.name).not.toThrow();
    }
  });
});

describe('escaping: parameter values reach the command as literal text', () => {
  it('a rendered script run by sh prints every nasty argument exactly', () => {
    const r = renderTemplate(byName('shell'), 1, { program: 'printf', args: ['%s\\0', ...NASTY] });
    expect(r.text.startsWith('#!/bin/sh\n#SBATCH --job-name=shell\n')).toBe(true);
    const out = execFileSync('sh', ['-c', r.text], { encoding: 'utf8' });
    // printf's format is itself a literal word: '%s\0' (backslash zero) prints NUL-separated args.
    expect(out.split('\0').slice(0, NASTY.length)).toEqual(NASTY);
  });

  it('a nasty program name is one literal word too (it is looked up, not interpreted)', () => {
    const r = renderTemplate(byName('slurm-single-gpu'), 1, { program: '$(id)', args: [], gpus: 0 });
    expect(r.text).toContain("exec '$(id)'");
    let err = '';
    try {
      execFileSync('sh', ['-c', r.text], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      err = String((e as { stderr: string }).stderr);
    }
    expect(err).toMatch(/\$\(id\).*not found|not found.*\$\(id\)/);
  });

  it('environment values stay out of the script and in the spec', () => {
    const r = renderTemplate(byName('slurm-single-gpu'), 1, { env: { MSG: NASTY.join('|') }, gpus: 0 });
    expect(r.spec.env).toEqual({ MSG: NASTY.join('|') });
    expect(r.text).not.toContain('rm -rf');
  });

  it('manifests are written by the YAML serializer: values parse back unchanged', () => {
    for (const name of ['pytorch-ddp', 'horovod', 'tensorflow']) {
      const r = renderTemplate(byName(name), 1, { command: NASTY, env: { A: 'x: {', B: "'; rm -rf ~ #\n$(id)" } });
      const doc = parse(r.text);
      const containers = JSON.stringify(doc).match(/"command":\[[^\]]*\]/g)!;
      expect(containers.length).toBeGreaterThan(0);
      const specs = Object.values((doc.spec.pytorchReplicaSpecs ?? doc.spec.mpiReplicaSpecs ?? doc.spec.tfReplicaSpecs) as Record<string, { template: { spec: { containers: { command?: string[]; env?: unknown }[] } } }>);
      const withCommand = specs.flatMap((s) => s.template.spec.containers).filter((c) => c.command);
      for (const c of withCommand) {
        expect(c.command).toEqual(NASTY);
        expect(c.env).toEqual([{ name: 'A', value: 'x: {' }, { name: 'B', value: "'; rm -rf ~ #\n$(id)" }]);
      }
    }
  });

  it('values that would become #SBATCH syntax are refused, naming the field', () => {
    expect(() => renderTemplate(byName('shell'), 1, { output: 'a b.out' })).toThrow(/output file "a b.out" cannot contain spaces/);
    expect(() => renderTemplate(byName('shell'), 1, { partition: "x'\n#SBATCH --uid=0" })).toThrow(/partition/);
    expect(() => renderTemplate(byName('shell'), 1, { name: 'a;b' })).toThrow(/name: must match/);
  });
});

describe('bad input', () => {
  it('parameters: every problem at once, naming each parameter', () => {
    expect(() => renderTemplate(byName('slurm-single-gpu'), 1, { gpus: 'many', priority: 5000, nope: 'x' })).toThrow(
      /nope: template slurm-single-gpu has no such parameter.*gpus: must be a number.*priority: must be at most 1000/,
    );
  });

  it('a template whose schema and script disagree says which placeholders', () => {
    const bad: TemplateBody = { ...byName('shell'), name: 'bad', script: 'exec {{program}} {{argz}}\n' };
    expect(lintTemplate(bad)).toEqual(['{{argz}} is used but not declared in parameters', 'parameter args is declared but never used']);
    expect(() => renderTemplate(bad, 1, {})).toThrow(/disagree: \{\{argz\}\} is used but not declared/);
  });
});
