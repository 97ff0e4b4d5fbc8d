import { Table, type TableProps } from 'antd';

/**
 * The page's long list: a small virtual antd table without pagination that fills the window below
 * what sits above it. `above` is that height in pixels; `width` the scroll width when columns
 * overflow. Virtual tables need a numeric-looking y: antd accepts the CSS calc() at runtime.
 */
export function PageTable<T extends object>({ above, width, ...props }: Omit<TableProps<T>, 'scroll' | 'virtual' | 'pagination' | 'size'> & { above: number; width?: number }) {
  return <Table<T> size="small" virtual pagination={false} scroll={{ x: width, y: `calc(100vh - ${above}px)` as unknown as number }} {...props} />;
}
