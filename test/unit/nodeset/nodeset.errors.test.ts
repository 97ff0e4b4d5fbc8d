// Errors: stable codes, the expression in params, and messages that say what is wrong and where.
// Where ClusterShell also refuses the input we check that too; the two places where we refuse
// on purpose although ClusterShell answers an empty set (unknown group, empty expression) are
// pinned down as well, so a change on either side is noticed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { NodeSet, expandNodeSet, foldNodeSet, isNodeSetError, type NodeSetOptions } from '../../../shared/nodeset';
import { groupOptions, hasReference, runNodeset, writeGroupsConfig, type GroupsConfig } from './reference';

function errorOf(expr: string, opts: NodeSetOptions = groupOptions): AppError {
  try {
    NodeSet.parse(expr, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect(isNodeSetError(e)).toBe(true);
    return e as AppError;
  }
  throw new Error(`expected ${JSON.stringify(expr)} to be refused`);
}

describe('error codes and messages', () => {
  it('gpu[10-1]: a reversed range', () => {
    const e = errorOf('gpu[10-1]');
    expect(e.code).toBe('NODESET_RANGE');
    expect(e.message).toBe('bad range 10-1 in "gpu[10-1]": the start must not exceed the end');
    expect(e.params).toMatchObject({ expression: 'gpu[10-1]', part: '10-1', position: 4 });
    expect(e.params.message).toBe(e.message);
  });

  it('gpu[: a bracket that is never closed', () => {
    const e = errorOf('gpu[');
    expect(e.code).toBe('NODESET_SYNTAX');
    expect(e.message).toBe('missing "]" for the "[" at character 4 in "gpu["');
    expect(e.params).toMatchObject({ expression: 'gpu[', position: 3 });
  });

  it('gpu[1-2: the same, with a range inside', () => {
    const e = errorOf('gpu[1-2');
    expect(e.code).toBe('NODESET_SYNTAX');
    expect(e.message).toContain('missing "]"');
  });

  it('gpu]: a closing bracket without an opening one', () => {
    const e = errorOf('gpu]');
    expect(e.code).toBe('NODESET_SYNTAX');
    expect(e.message).toBe('unexpected "]" at character 4 in "gpu]"');
    expect(e.params.position).toBe(3);
  });

  it('gpu[a-b]: bounds that are not numbers', () => {
    const e = errorOf('gpu[a-b]');
    expect(e.code).toBe('NODESET_SYNTAX');
    expect(e.message).toBe('bad range a-b in "gpu[a-b]": not a number');
  });

  it('empty ranges', () => {
    expect(errorOf('gpu[]').message).toBe('empty range in "gpu[]" at character 5');
    expect(errorOf('gpu[1,,2]').code).toBe('NODESET_SYNTAX');
    expect(errorOf('gpu[1,,2]').message).toContain('empty range');
  });

  it('@missing: an unknown group names the group', () => {
    const e = errorOf('n1,@missing');
    expect(e.code).toBe('NODESET_UNKNOWN_GROUP');
    expect(e.message).toBe('unknown group @missing');
    expect(e.params).toMatchObject({ expression: 'n1,@missing', group: '@missing', position: 3 });
  });

  it('@source:group: an unknown source is an unknown group too', () => {
    const e = errorOf('@nosuch:compute');
    expect(e.code).toBe('NODESET_UNKNOWN_GROUP');
    expect(e.params).toMatchObject({ group: '@nosuch:compute', source: 'nosuch' });
  });

  it('groups without a resolver are unknown', () => {
    const e = errorOf('@compute', {});
    expect(e.code).toBe('NODESET_UNKNOWN_GROUP');
    expect(e.message).toBe('unknown group @compute (no group resolver is configured)');
  });

  it('the empty expression, and one made of spaces', () => {
    for (const expr of ['', '   ', '\t\n']) {
      const e = errorOf(expr);
      expect(e.code).toBe('NODESET_SYNTAX');
      expect(e.message).toBe('the node set expression is empty');
      expect(e.params.expression).toBe(expr);
    }
  });

  it('operators need operands on both sides', () => {
    expect(errorOf('a,').message).toBe('the "," at character 2 needs a node set on both sides');
    expect(errorOf('!a').code).toBe('NODESET_SYNTAX');
    expect(errorOf('n[1-2],').message).toBe('the "," at character 7 needs a node set after it');
    expect(errorOf('a,,b').params.position).toBe(2);
  });

  it('range rules', () => {
    expect(errorOf('n[01-100]')).toMatchObject({ code: 'NODESET_RANGE' });
    expect(errorOf('n[01-100]').message).toContain('same number of digits');
    expect(errorOf('n[1-10/0]').message).toContain('the step must be at least 1');
    expect(errorOf('n[5/2]').message).toContain('a step needs a range');
    expect(errorOf('n[-01-03]').message).toContain('negative numbers cannot be zero-padded');
    expect(errorOf('n[1-5/x]')).toMatchObject({ code: 'NODESET_SYNTAX' });
    expect(errorOf('n[1-3/2]0').message).toContain('digits right after a stepped range');
    expect(errorOf('n[1][2]').message).toContain('unexpected "["');
  });

  it('a range may not explode into millions of nodes', () => {
    const e = errorOf('n[1-100000000]');
    expect(e.code).toBe('NODESET_RANGE');
    expect(e.message).toContain('more than 1000000 indexes');
  });

  it('errors inside a group say which group', () => {
    const opts: NodeSetOptions = { resolveGroup: (g) => ({ bad: ['n[1-'], outer: ['@bad'] })[g] };
    const e = errorOf('x,@outer', opts);
    expect(e.code).toBe('NODESET_SYNTAX');
    expect(e.message).toContain('(in group @bad: "n[1-")');
    expect(e.params).toMatchObject({ expression: 'x,@outer', position: 2 });
  });

  it('a group that contains itself stops with an error', () => {
    const e = errorOf('@loop', { resolveGroup: () => ['@loop'] });
    expect(e.code).toBe('NODESET_SYNTAX');
    expect(e.message).toContain('more than 50 levels');
  });

  it('wildcards need a way to list all nodes', () => {
    const e = errorOf('gpu*', { resolveGroup: () => [] });
    expect(e.code).toBe('NODESET_UNKNOWN_GROUP');
    expect(e.params.group).toBe('@*');
    expect(errorOf('@@main', { resolveGroup: () => [] }).code).toBe('NODESET_UNKNOWN_GROUP');
  });

  it('the helpers and fromNames throw the same errors', () => {
    expect(() => expandNodeSet('gpu[10-1]')).toThrowError(/start must not exceed/);
    expect(() => foldNodeSet('gpu[')).toThrowError(AppError);
    expect(() => NodeSet.fromNames(['n1', ''])).toThrowError(/empty node name/);
  });

  it('errors serialise for IPC', () => {
    const data = errorOf('gpu[10-1]').toData();
    expect(data).toEqual({
      code: 'NODESET_RANGE',
      key: 'NODESET_RANGE',
      message: 'bad range 10-1 in "gpu[10-1]": the start must not exceed the end',
      params: { expression: 'gpu[10-1]', message: data.message, position: 4, part: '10-1' },
    });
  });
});

describe.skipIf(!hasReference)('ClusterShell on the same inputs', () => {
  let config: GroupsConfig;
  beforeAll(() => {
    config = writeGroupsConfig();
  });
  afterAll(() => config?.dispose());

  it.each(['gpu[10-1]', 'gpu[', 'gpu[a-b]', 'gpu]', 'gpu[]', 'a,', '@nosuch:compute'])('refuses %s too', async (expr) => {
    const ref = await runNodeset('-f', expr, config.file);
    expect(ref.ok).toBe(false);
    expect(errorOf(expr).code).toMatch(/^NODESET_/);
  });

  it('answers an empty set for an unknown group and an empty expression, where we refuse on purpose', async () => {
    expect(await runNodeset('-f', '@missing', config.file)).toEqual({ ok: true, out: '' });
    expect(await runNodeset('-c', '', config.file)).toEqual({ ok: true, out: '0' });
    expect(errorOf('@missing').code).toBe('NODESET_UNKNOWN_GROUP');
    expect(errorOf('').code).toBe('NODESET_SYNTAX');
  });
});
