import { Table, type TableProps } from 'antd';
import { RecycleRowsContext } from '../patches/recycleRows';
import { useLightCheckboxCell } from './lightSelection';

type PageTableProps<T> = Omit<TableProps<T>, 'scroll' | 'virtual' | 'pagination' | 'size'> & {
  above: number;
  width?: number;
  /**
   * Rows scrolled into view reuse the components and DOM of rows scrolled out (renderer/src/patches/): the
   * cheapest scrolling, but only for tables whose cells keep no state of their own (no Popconfirm, Dropdown or
   * component that remembers its row), since that state would stay in place and serve the next record.
   */
  recycleRows?: boolean;
};

/**
 * The page's long list: a small virtual antd table without pagination that fills the window below
 * what sits above it. `above` is that height in pixels; `width` the scroll width when columns
 * overflow. Virtual tables need a numeric-looking y: antd accepts the CSS calc() at runtime.
 */
export function PageTable<T extends object>({ above, width, recycleRows = false, rowSelection, ...props }: PageTableProps<T>) {
  const lightCheckbox = useLightCheckboxCell();
  // Recycled rows also get light check boxes (lightSelection.tsx) unless the page draws its own.
  const light = recycleRows && rowSelection && !rowSelection.renderCell && (rowSelection.type ?? 'checkbox') === 'checkbox';
  // A virtual table shares the width its columns leave among the columns without a numeric width, and antd gives
  // its selection column none: without this the check boxes' column takes half of what was meant for the last one.
  const selection = rowSelection && { columnWidth: 48, ...rowSelection, ...(light ? { renderCell: lightCheckbox } : {}) };
  return (
    <RecycleRowsContext.Provider value={recycleRows}>
      <Table<T> size="small" virtual pagination={false} scroll={{ x: width, y: `calc(100vh - ${above}px)` as unknown as number }} rowSelection={selection} {...props} />
    </RecycleRowsContext.Provider>
  );
}
