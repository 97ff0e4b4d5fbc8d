import { createElement, forwardRef, isValidElement, useContext, useRef, type Context, type CSSProperties, type ForwardedRef, type Key, type ReactNode } from 'react';
import { useContext as useSelected } from '@rc-component/context';
import BodyLine from '@rc-component/table/es/VirtualTable/BodyLine';
import VirtualCell from '@rc-component/table/es/VirtualTable/VirtualCell';
import { GridContext, StaticContext } from '@rc-component/table/es/VirtualTable/context';
import TableContext, { responseImmutable } from '@rc-component/table/es/context/TableContext';
import { getColumnsKey } from '@rc-component/table/es/utils/valueUtil';
import { RecycleRowsContext } from './recycleRows';
import './lightCells.css';

type Column = {
  key?: Key;
  render?: (value: unknown, record: unknown, index: number) => ReactNode;
  dataIndex?: string | number | readonly (string | number)[];
  className?: string;
  align?: 'left' | 'right' | 'center';
  onCell?: unknown;
  ellipsis?: boolean | { showTitle?: boolean };
  shouldCellUpdate?: unknown;
};
type FixedInfo = { fixStart?: number | null; fixEnd?: number | null; fixedStartShadow?: boolean; fixedEndShadow?: boolean; offsetFixedStartShadow?: number; offsetFixedEndShadow?: number; zIndex?: number; zIndexReverse?: number; isSticky?: boolean };
type RowProps = { className?: string; style?: CSSProperties; onClick?: (...args: unknown[]) => void; [prop: string]: unknown };
/** What is read here of rc-table's TableContext value (it holds more). */
type TableValue = {
  prefixCls: string;
  flattenColumns: Column[];
  fixedInfoList: FixedInfo[];
  scrollX?: number | string | true;
  classNames?: { body?: { row?: string; cell?: string } };
  styles?: { body?: { row?: CSSProperties; cell?: CSSProperties } };
  expandableType?: false | 'row' | 'nest';
  expandIconColumnIndex?: number;
  indentSize?: number;
  expandIcon?: unknown;
  expandedKeys?: Set<Key>;
  onTriggerExpand?: unknown;
  onRow?: (record: unknown, index: number) => RowProps | undefined;
  rowClassName?: string | ((record: unknown, index: number, indent: number) => string);
  rowHoverable?: boolean;
  allColumnsFixedLeft?: boolean;
  onHover: (start: number, end: number) => void;
  scrollInfo: [number, number];
};
type Store<T> = { getValue: () => T } | undefined;
type LineProps = {
  data: { record: unknown; indent: number; index: number };
  index: number;
  rowKey: Key;
  className?: string;
  style?: CSSProperties;
  extra?: boolean;
  getHeight?: (rowSpan: number) => number;
};

const TableStore = (TableContext as unknown as { Context: Context<Store<TableValue>> }).Context;
const GridStore = (GridContext as unknown as { Context: Context<Store<{ columnsOffset: number[] }>> }).Context;

/**
 * What the rows of a virtual table draw from that can change while the table itself is not rendered again by its
 * parent (so rc-table's immutable mark, which re-renders rows, stays): the fixed columns' places (measured widths),
 * which edge shadows show (sideways scroll), the columns and their offsets. rc-table's rows and cells subscribe to
 * these each; the virtual list calls this once (virtualListChildren.ts) and hands every row new props when the
 * answer changes. Outside a table it answers null and costs nothing more.
 */
export function useTableDrawState(): readonly unknown[] | null {
  const table = useSelected(TableContext as never, ((t: TableValue | undefined) => (t ? [t.fixedInfoList, t.flattenColumns, t.scrollX, shadowsShown(t)] : null)) as never) as unknown[] | null;
  const offsets = useSelected(GridContext as never, ((g: { columnsOffset: number[] } | undefined) => g?.columnsOffset ?? null) as never) as unknown;
  return table && [...table, offsets];
}

/** How each column's light cell is drawn: fixed while the columns and their widths stay (antd re-creates neither while scrolling). */
type CellPlan = { light: false } | { light: true; className: string; style: CSSProperties; title: boolean; shadow: 'start' | 'end' | null; wrap: boolean };
const plans = new WeakMap<readonly number[], WeakMap<FixedInfo[], CellPlan[]>>();
const columnKeys = new WeakMap<Column[], Key[]>();

/**
 * A plain cell has nothing of its own: no onCell (spans, props) and no shouldCellUpdate. A fixed cell is placed as
 * rc-table's Cell places it; the edge of the fixed columns also shows rc-table's shadow once the table is scrolled
 * sideways (`shadowsShown`, which each row follows instead of each edge cell).
 */
function planCells(table: TableValue, columnsOffset: readonly number[]): CellPlan[] {
  let byFixed = plans.get(columnsOffset);
  if (!byFixed) plans.set(columnsOffset, (byFixed = new WeakMap()));
  let plan = byFixed.get(table.fixedInfoList);
  if (plan && plan.length === table.flattenColumns.length) return plan;
  const cell = `${table.prefixCls}-cell`;
  plan = table.flattenColumns.map((column, i): CellPlan => {
    const fixed = table.fixedInfoList[i];
    if (column.onCell || column.shouldCellUpdate) return { light: false };
    const pinned = table.allColumnsFixedLeft ? null : typeof fixed?.fixStart === 'number' ? 'start' : typeof fixed?.fixEnd === 'number' ? 'end' : null;
    const shadow = fixed?.fixedStartShadow ? 'start' : fixed?.fixedEndShadow ? 'end' : null;
    let className = `${cell} cd-light-cell`;
    if (pinned) className += ` ${cell}-fix ${cell}-fix-${pinned}`;
    if (shadow) className += ` ${cell}-fix-${shadow}-shadow`;
    if (pinned && fixed?.isSticky) className += ` ${cell}-fix-sticky`;
    if (column.ellipsis) className += ` ${cell}-ellipsis`;
    if (column.className) className += ` ${column.className}`;
    const width = columnsOffset[i] - (columnsOffset[i - 1] || 0);
    // as rc-table's Cell places a fixed cell: sticky offset and the stacking variables its CSS reads
    const place = pinned === 'start' ? { insetInlineStart: fixed!.fixStart! } : pinned === 'end' ? { insetInlineEnd: fixed!.fixEnd! } : {};
    const stack = pinned ? { '--z-offset': fixed!.zIndex, '--z-offset-reverse': fixed!.zIndexReverse } : {};
    const style = { ...place, ...stack, flex: `0 0 ${width}px`, width: `${width}px`, pointerEvents: 'auto', ...(column.align ? { textAlign: column.align } : {}) } as CSSProperties;
    return { light: true, className, style, title: column.ellipsis === true || (!!column.ellipsis && column.ellipsis.showTitle !== false), shadow, wrap: !!column.ellipsis && !!shadow };
  });
  byFixed.set(table.fixedInfoList, plan);
  return plan;
}

/**
 * Which edge shadows of the fixed columns show (bit 1 start, bit 2 end): as rc-table's Cell decides, from how far
 * the table is scrolled sideways. A number, so a row re-renders only when one appears or goes.
 */
function shadowsShown({ scrollInfo, fixedInfoList, allColumnsFixedLeft }: TableValue): number {
  if (allColumnsFixedLeft || !scrollInfo) return 0;
  const [scrolled, scrollWidth] = scrollInfo;
  let shown = 0;
  for (const f of fixedInfoList) {
    if (f?.fixedStartShadow && typeof f.fixStart === 'number' && scrolled - (f.offsetFixedStartShadow ?? 0) >= 1) shown |= 1;
    if (f?.fixedEndShadow && typeof f.fixEnd === 'number' && scrollWidth - scrolled - (f.offsetFixedEndShadow ?? 0) > 1) shown |= 2;
  }
  return shown;
}

function valueAt(record: unknown, dataIndex: Column['dataIndex']): unknown {
  if (dataIndex === undefined || dataIndex === null || dataIndex === '') return undefined;
  if (!Array.isArray(dataIndex)) return (record as Record<string | number, unknown>)?.[dataIndex as string | number];
  let value: unknown = record;
  for (const step of dataIndex) value = (value as Record<string | number, unknown> | null | undefined)?.[step];
  return value;
}

/** The tooltip rc-table's Cell gives an ellipsis cell: its text, or the text of its one element. */
function titleOf(content: ReactNode): string | undefined {
  if (typeof content === 'string' || typeof content === 'number') return String(content);
  const inner = isValidElement(content) ? (content.props as { children?: unknown }).children : undefined;
  return typeof inner === 'string' ? inner : undefined;
}

/**
 * A row of a recycling table (PageTable's `recycleRows`: cells keep no state), drawn as rc-table's BodyLine draws it
 * (the same row and cell DOM, classes and styles) but with plain cells as `<div>`s of the row itself instead of one
 * VirtualCell + Cell pair each. Those two subscribe to four table contexts per cell (a selector closure, a ref, a
 * state and a layout effect each) and BodyLine and its useRowInfo to two more per row: a scroll frame that showed new
 * rows produced most of its garbage there, and the young-generation collections that garbage caused were the long
 * frames. Here the row reads the tables' current values and subscribes to nothing: its re-renders follow rc-table's
 * immutable mark, as BodyLine's do, and the list's useTableDrawState. Cells with onCell (spans) keep rc-table's
 * VirtualCell. Hover: the row
 * reports it to the table as Cell does (so rc-table's cells of the row highlight); light cells highlight by CSS.
 */
function LightBodyLine({ props, lineRef }: { props: LineProps; lineRef: ForwardedRef<HTMLDivElement> }) {
  // No subscription of its own: the list re-renders every row when what rows draw from changes (useTableDrawState).
  const store = useContext(TableStore)!;
  const table = store.getValue();
  const shadows = shadowsShown(table);
  const { columnsOffset } = useContext(GridStore)!.getValue();
  const { data, index, className, rowKey, style, extra: _extra, getHeight: _getHeight, ...rest } = props;
  const { record, indent, index: renderIndex } = data;
  const at = useRef(index);
  at.current = index;
  const hover = useRef<{ enter: () => void; leave: () => void } | null>(null);
  hover.current ??= { enter: () => store.getValue().onHover(at.current, at.current), leave: () => store.getValue().onHover(-1, -1) };
  const { prefixCls, flattenColumns, fixedInfoList } = table;
  const plan = planCells(table, columnsOffset);
  const rowProps = table.onRow?.(record, index);
  const rowClass = typeof table.rowClassName === 'function' ? table.rowClassName(record, index, indent) : table.rowClassName;
  let keys = columnKeys.get(flattenColumns);
  if (!keys) columnKeys.set(flattenColumns, (keys = getColumnsKey(flattenColumns) as Key[]));
  // What rc-table's VirtualCell reads of the row (useRowInfo's answer) for the cells it still draws.
  let rowInfo: object | undefined;
  const cells = flattenColumns.map((column, colIndex) => {
    const cell = plan[colIndex];
    if (!cell.light) {
      rowInfo ??= {
        record, prefixCls, fixedInfoList, columnsKey: keys, expandIconColumnIndex: table.expandIconColumnIndex, nestExpandable: false,
        indentSize: table.indentSize, expandIcon: table.expandIcon, expanded: false, hasNestChildren: false,
        onTriggerExpand: table.onTriggerExpand, expandable: false, expandedKeys: table.expandedKeys,
      };
      return createElement(VirtualCell as never, { key: colIndex, component: 'div', rowInfo, column, colIndex, indent, index, renderIndex, record });
    }
    const value = valueAt(record, column.dataIndex);
    let content = (column.render ? column.render(value, record, renderIndex) : value) as ReactNode;
    if (typeof content === 'object' && content !== null && !Array.isArray(content) && !isValidElement(content)) content = null;
    const shown = cell.shadow && shadows & (cell.shadow === 'start' ? 1 : 2);
    return createElement('div', {
      key: colIndex,
      className: shown ? `${cell.className} ${prefixCls}-cell-fix-${cell.shadow}-shadow-show` : cell.className,
      style: cell.style,
      title: cell.title ? titleOf(content) : undefined,
    }, cell.wrap ? createElement('span', { className: `${prefixCls}-cell-content` }, content) : content);
  });
  const { onClick, className: ownClass, style: ownStyle, ...ownProps } = rowProps ?? {};
  let rowClassName = `${prefixCls}-row`;
  for (const c of [className, rowClass, ownClass, table.classNames?.body?.row]) if (c) rowClassName += ` ${c}`;
  const hoverable = table.rowHoverable !== false;
  return createElement('div', {
    ...rest, ...ownProps,
    'data-row-key': rowKey,
    ref: lineRef,
    className: rowClassName,
    style: { ...style, width: table.scrollX, ...ownStyle, ...table.styles?.body?.row },
    onClick,
    onMouseEnter: hoverable ? hover.current.enter : undefined,
    onMouseLeave: hoverable ? hover.current.leave : undefined,
  }, cells);
}

/**
 * Stands in for @rc-component/table's `VirtualTable/BodyLine` where the virtual body imports it (the build swaps it
 * in: see `stableVirtualRows` in electron.vite.config.ts). Rows of recycling tables that rc-table would draw
 * plainly (no expandable rows, no row-span patch lines, no semantic cell class or style, no custom row or cell
 * component) are drawn by LightBodyLine;
 * every other row by rc-table's own BodyLine.
 */
const BodyLineSwitch = forwardRef<HTMLDivElement, LineProps>(function BodyLineSwitch(props, ref) {
  const recycle = useContext(RecycleRowsContext);
  const table = useContext((TableContext as unknown as { Context: Context<Store<TableValue>> }).Context)?.getValue();
  const getComponent = useContext((StaticContext as unknown as { Context: Context<Store<{ getComponent: (path: string[], fallback: string) => unknown }>> }).Context)?.getValue().getComponent;
  const plain = recycle && table && getComponent?.(['body', 'row'], 'div') === 'div' && getComponent(['body', 'cell'], 'div') === 'div' && !props.extra && !table.expandableType && !table.classNames?.body?.cell && !table.styles?.body?.cell;
  if (!plain) return createElement(BodyLine as never, { ...props, ref });
  return createElement(LightBodyLine, { props, lineRef: ref });
});

export default responseImmutable(BodyLineSwitch);
