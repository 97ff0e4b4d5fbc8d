import { describe, expect, it } from 'vitest';
import { gridLayout, panesOf, removePane, restoreLayout, saveLayout, splitPane, updatePane, type Layout, type Pane } from '../../../renderer/src/pages/consoles/paneLayout';

const pane = (key: string, target = key): Pane => ({ key, kind: 'ssh', target, receives: true });
/** The tree's shape: panes by key, splits as h(...) or v(...). */
const shape = (l: Layout | null): string => !l ? '-' : l.type === 'pane' ? l.pane.key : `${l.orientation[0]}(${l.children.map(shape).join(' ')})`;

describe('pane layout', () => {
  it('opens a node set as rows of a grid', () => {
    expect(shape(gridLayout([pane('a')]))).toBe('a');
    expect(shape(gridLayout(['a', 'b', 'c'].map((k) => pane(k))))).toBe('v(h(a b) c)');
    expect(shape(gridLayout(['a', 'b', 'c', 'd', 'e'].map((k) => pane(k))))).toBe('v(h(a b c) h(d e))');
  });

  it('splits right beside the pane and down below it, nesting only across directions', () => {
    let l: Layout = gridLayout([pane('a')]);
    l = splitPane(l, 'a', 'right', pane('b'));
    expect(shape(l)).toBe('h(a b)');
    l = splitPane(l, 'a', 'right', pane('c'));
    expect(shape(l)).toBe('h(a c b)');
    l = splitPane(l, 'b', 'down', pane('d'));
    expect(shape(l)).toBe('h(a c v(b d))');
    l = splitPane(l, 'd', 'down', pane('e'));
    expect(shape(l)).toBe('h(a c v(b d e))');
    expect(shape(splitPane(l, 'nope', 'down', pane('f')))).toBe('h(a c v(b d e))');
    expect(panesOf(l).map((p) => p.key)).toEqual(['a', 'c', 'b', 'd', 'e']);
  });

  it('closes panes, folding a split left with one child into it', () => {
    let l: Layout | null = splitPane(splitPane(gridLayout([pane('a')]), 'a', 'right', pane('b')), 'b', 'down', pane('c'));
    expect(shape(l)).toBe('h(a v(b c))');
    l = removePane(l, 'c');
    expect(shape(l)).toBe('h(a b)');
    l = removePane(l!, 'a');
    expect(shape(l)).toBe('b');
    expect(removePane(l!, 'b')).toBeNull();
  });

  it('updates one pane and keeps the others', () => {
    const l = updatePane(gridLayout([pane('a'), pane('b')]), 'b', { receives: false });
    expect(panesOf(l).map((p) => p.receives)).toEqual([true, false]);
  });

  it('saves kinds and nodes only, and restores with fresh keys, dropping what is malformed or unknown or too many', () => {
    const l = splitPane(splitPane(gridLayout([pane('a', 'n1')]), 'a', 'right', pane('b', 'n2')), 'b', 'down', pane('c', 'n3'));
    const saved = JSON.parse(JSON.stringify(saveLayout(l)));
    expect(saved).toEqual({ orientation: 'horizontal', children: [{ kind: 'ssh', target: 'n1' }, { orientation: 'vertical', children: [{ kind: 'ssh', target: 'n2' }, { kind: 'ssh', target: 'n3' }] }] });
    let n = 0;
    const back = restoreLayout(saved, () => `k${++n}`, ['ssh'], 16)!;
    expect(shape(back)).toBe('h(k1 v(k2 k3))');
    expect(panesOf(back).map((p) => p.target)).toEqual(['n1', 'n2', 'n3']);
    expect(shape(restoreLayout(saved, () => `k${++n}`, ['ssh'], 2))).toBe('h(k4 k5)');
    expect(restoreLayout({ orientation: 'sideways', children: [] }, () => 'x', ['ssh'], 16)).toBeNull();
    expect(restoreLayout({ kind: 'telnet', target: 'n1' }, () => 'x', ['ssh'], 16)).toBeNull();
    expect(restoreLayout('junk', () => 'x', ['ssh'], 16)).toBeNull();
    // What versions without splits saved: a flat list of panes.
    expect(shape(restoreLayout({ orientation: 'horizontal', children: [{ kind: 'ssh', target: 'n1' }] }, () => 'k', ['ssh'], 16))).toBe('k');
  });
});
