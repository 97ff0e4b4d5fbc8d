import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../main/services/datasets/query';

describe('image query language', () => {
  it('compiles clauses joined by and, with parameters', () => {
    const q = compileQuery('width > 1000 and has label cat and count "traffic light" >= 2 and box area < 400 and status = labeled and file contains 猫');
    expect(q.params).toEqual([1000, 'cat', 'traffic light', 2, 400, 'labeled', '猫']);
    expect(q.where.split(' AND ').length).toBeGreaterThanOrEqual(6);
    expect(compileQuery('').where).toBe('1');
  });

  it('says what is wrong', () => {
    expect(() => compileQuery('width >> 3')).toThrow(/not a comparison|not a number/);
    expect(() => compileQuery('colour = red')).toThrow(/"colour" does not start a clause/);
    expect(() => compileQuery('width > 3 or height > 2')).toThrow(/expected "and"/);
    expect(() => compileQuery('status = done')).toThrow(/not a status/);
    expect(() => compileQuery('has label')).toThrow(/expected a label name at the end/);
  });
});
