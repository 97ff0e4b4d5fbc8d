import { createElement, isValidElement, useContext, type Context, type CSSProperties, type ReactNode } from 'react';
import VirtualCell from '@rc-component/table/es/VirtualTable/VirtualCell';
import { GridContext } from '@rc-component/table/es/VirtualTable/context';
import TableContext from '@rc-component/table/es/context/TableContext';
import { RecycleRowsContext } from './recycleRows';
import './lightCells.css';

type Column = {
  render?: (value: unknown, record: unknown, index: number) => ReactNode;
  dataIndex?: string | number | readonly (string | number)[];
  className?: string;
  align?: 'left' | 'right' | 'center';
  onCell?: unknown;
  ellipsis?: boolean | { showTitle?: boolean };
  shouldCellUpdate?: unknown;
  rowSpan?: unknown;
};
type FixedInfo = { fixStart?: number | null; fixEnd?: number | null; fixedStartShadow?: boolean; fixedEndShadow?: boolean; zIndex?: number; zIndexReverse?: number; isSticky?: boolean };
type Props = {
  rowInfo: { prefixCls: string; fixedInfoList: FixedInfo[]; nestExpandable?: boolean };
  column: Column;
  colIndex: number;
  index: number;
  renderIndex: number;
  record: unknown;
  className?: string;
  style?: CSSProperties;
  inverse?: boolean;
};
// Just what is read here of rc-table's contexts (they hold more).
type Grid = { getValue: () => { columnsOffset: number[] } } | undefined;
type Table = { getValue: () => { rowHoverable?: boolean; allColumnsFixedLeft?: boolean; onHover: (start: number, end: number) => void } } | undefined;

/** One style object per width, alignment and fixed position: light cells allocate none while scrolling. */
const styles = new Map<string, CSSProperties>();
function cellStyle(width: number, align: Column['align'], fixed: FixedInfo | undefined, pinned: 'start' | 'end' | null): CSSProperties {
  const key = `${width}|${align ?? ''}|${pinned ?? ''}|${pinned ? `${fixed?.fixStart}|${fixed?.fixEnd}|${fixed?.zIndex}|${fixed?.zIndexReverse}` : ''}`;
  let style = styles.get(key);
  if (!style) {
    // as rc-table's Cell places a fixed cell: sticky offset and the stacking variables its CSS reads
    const place = pinned === 'start' ? { insetInlineStart: fixed!.fixStart! } : pinned === 'end' ? { insetInlineEnd: fixed!.fixEnd! } : {};
    const stack = pinned ? { '--z-offset': fixed!.zIndex, '--z-offset-reverse': fixed!.zIndexReverse } : {};
    style = { ...place, ...stack, flex: `0 0 ${width}px`, width: `${width}px`, pointerEvents: 'auto', ...(align ? { textAlign: align } : {}) } as CSSProperties;
    styles.set(key, style);
  }
  return style;
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
 * A cell with nothing of its own: no onCell (spans, props), no nested-row indent, and not the edge of fixed
 * columns (its shadow follows the horizontal scroll, which rc-table's Cell subscribes to). A fixed cell inside the
 * fixed group (the selection column before a fixed name) is plain: its place depends only on the columns.
 */
function isPlain({ rowInfo, column, colIndex, className, style, inverse }: Props) {
  const fixed = rowInfo.fixedInfoList[colIndex];
  return !inverse && !className && !style && !column.onCell && !column.shouldCellUpdate
    && !fixed?.fixedStartShadow && !fixed?.fixedEndShadow
    && !(rowInfo.nestExpandable && colIndex === 0);
}

/**
 * Stands in for @rc-component/table's `VirtualTable/VirtualCell` (the build swaps it in for BodyLine: see
 * `stableVirtualRows` in electron.vite.config.ts). In tables that recycle rows (PageTable's `recycleRows`, whose
 * cells keep no state) a plain cell is drawn here as the `<div class="ant-table-cell">` rc-table would draw,
 * instead of through VirtualCell and Cell: those two subscribe to four table contexts per cell (each a selector
 * closure, a ref, a state and a layout effect) and allocated ~10 KiB per cell and render, so a scroll frame that
 * showed three new rows produced ~0.5 MB of garbage and the young-generation collections that were the long frames.
 * The last fixed column, cells with onCell (spans) and other tables keep rc-table's cells. Hover: a light
 * cell reports it to the table like Cell does (so fixed cells of the row highlight) and is highlighted by
 * lightCells.css rather than by re-rendering.
 */
export default function LightVirtualCell(props: Props) {
  const light = useContext(RecycleRowsContext);
  const grid = useContext((GridContext as unknown as { Context: Context<Grid> }).Context);
  const table = useContext((TableContext as unknown as { Context: Context<Table> }).Context);
  if (!light || !grid || !table || !isPlain(props)) return createElement(VirtualCell as never, props);
  const { rowInfo, column, colIndex, index, renderIndex, record } = props;
  const { columnsOffset } = grid.getValue();
  const width = columnsOffset[colIndex] - (columnsOffset[colIndex - 1] || 0);
  const value = valueAt(record, column.dataIndex);
  let content = (column.render ? column.render(value, record, renderIndex) : value) as ReactNode;
  if (typeof content === 'object' && content !== null && !Array.isArray(content) && !isValidElement(content)) content = null;
  const { rowHoverable, allColumnsFixedLeft, onHover } = table.getValue();
  const fixed = rowInfo.fixedInfoList[colIndex];
  const pinned = allColumnsFixedLeft ? null : typeof fixed?.fixStart === 'number' ? 'start' : typeof fixed?.fixEnd === 'number' ? 'end' : null;
  const cell = `${rowInfo.prefixCls}-cell`;
  let classes = `${cell} cd-light-cell`;
  if (pinned) classes += ` ${cell}-fix ${cell}-fix-${pinned}${fixed?.isSticky ? ` ${cell}-fix-sticky` : ''}`;
  if (column.ellipsis) classes += ` ${cell}-ellipsis`;
  return createElement('div', {
    className: column.className ? `${classes} ${column.className}` : classes,
    style: cellStyle(width, column.align, fixed, pinned),
    title: column.ellipsis === true || (column.ellipsis && column.ellipsis.showTitle) ? titleOf(content) : undefined,
    onMouseEnter: rowHoverable === false ? undefined : () => onHover(index, index),
    onMouseLeave: rowHoverable === false ? undefined : () => onHover(-1, -1),
  }, content);
}
