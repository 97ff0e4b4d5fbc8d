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
type FixedInfo = { fixStart?: number | false; fixEnd?: number | false; fixedStartShadow?: boolean; fixedEndShadow?: boolean };
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
type Table = { getValue: () => { rowHoverable?: boolean; onHover: (start: number, end: number) => void } } | undefined;

/** One style object per width and alignment: light cells allocate none while scrolling. */
const styles = new Map<string, CSSProperties>();
function cellStyle(width: number, align: Column['align']): CSSProperties {
  const key = `${width}|${align ?? ''}`;
  let style = styles.get(key);
  if (!style) {
    style = { flex: `0 0 ${width}px`, width: `${width}px`, pointerEvents: 'auto', ...(align ? { textAlign: align } : {}) };
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

/** A cell with nothing of its own: not fixed, no onCell (spans, props), no nested-row indent. */
function isPlain({ rowInfo, column, colIndex, className, style, inverse }: Props) {
  const fixed = rowInfo.fixedInfoList[colIndex];
  return !inverse && !className && !style && !column.onCell && !column.shouldCellUpdate
    && typeof fixed?.fixStart !== 'number' && typeof fixed?.fixEnd !== 'number' && !fixed?.fixedStartShadow && !fixed?.fixedEndShadow
    && !(rowInfo.nestExpandable && colIndex === 0);
}

/**
 * Stands in for @rc-component/table's `VirtualTable/VirtualCell` (the build swaps it in for BodyLine: see
 * `stableVirtualRows` in electron.vite.config.ts). In tables that recycle rows (PageTable's `recycleRows`, whose
 * cells keep no state) a plain cell is drawn here as the `<div class="ant-table-cell">` rc-table would draw,
 * instead of through VirtualCell and Cell: those two subscribe to four table contexts per cell (each a selector
 * closure, a ref, a state and a layout effect) and allocated ~10 KiB per cell and render, so a scroll frame that
 * showed three new rows produced ~0.5 MB of garbage and the young-generation collections that were the long frames.
 * Fixed cells, cells with onCell (spans), the selection column and other tables keep rc-table's cells. Hover: a light
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
  const { rowHoverable, onHover } = table.getValue();
  const base = column.ellipsis ? `${rowInfo.prefixCls}-cell cd-light-cell ${rowInfo.prefixCls}-cell-ellipsis` : `${rowInfo.prefixCls}-cell cd-light-cell`;
  return createElement('div', {
    className: column.className ? `${base} ${column.className}` : base,
    style: cellStyle(width, column.align),
    title: column.ellipsis === true || (column.ellipsis && column.ellipsis.showTitle) ? titleOf(content) : undefined,
    onMouseEnter: rowHoverable === false ? undefined : () => onHover(index, index),
    onMouseLeave: rowHoverable === false ? undefined : () => onHover(-1, -1),
  }, content);
}
