import { useMemo, type CSSProperties } from 'react';
import { theme, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageTable } from '../../components/PageTable';
import { errorText } from '../../components/errors';
import { Elapsed } from './Elapsed';
import type { PowerRow, RowState } from './rows';

/**
 * The live per-node table: virtual, columns built once per language, and plain-text cells (no
 * Tag or Typography: their style hooks and text measuring cost more than the rest of a frame),
 * so a frame with hundreds of new results re-renders only the visible rows, cheaply; rows scrolled in
 * reuse the rows scrolled out (PageTable's recycleRows).
 */
export function PowerTable({ rows }: { rows: PowerRow[] }) {
  const { t, i18n } = useTranslation('power');
  const { token } = theme.useToken();
  const columns = useMemo<TableColumnsType<PowerRow>>(() => {
    const stateColor: Record<RowState, string> = {
      pending: token.colorTextTertiary, running: token.colorPrimary, ok: token.colorSuccess, failed: token.colorError,
      timeout: token.colorWarning, unreachable: token.colorError, cancelled: token.colorTextSecondary,
    };
    const dot = (color: string): CSSProperties => ({ display: 'inline-block', width: 8, height: 8, borderRadius: 4, background: color, marginRight: 6 });
    const ellipsis: CSSProperties = { display: 'block', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', color: token.colorError };
    return [
      { title: t('columns.node'), dataIndex: 'name', width: 150 },
      { title: t('columns.protocol'), dataIndex: 'protocol', width: 90, render: (p: string | null) => p ?? '—' },
      { title: t('columns.state'), dataIndex: 'state', width: 130, render: (s: RowState) => <span data-state={s}><span style={dot(stateColor[s])} />{t(`states.${s}`)}</span> },
      {
        title: t('columns.power'), dataIndex: 'power', width: 120,
        render: (p: string | null) => (p ? <span data-power={p}><span style={dot(p === 'on' ? token.colorSuccess : token.colorTextQuaternary)} />{t(`powerStates.${p}`)}</span> : null),
      },
      { title: t('columns.elapsed'), key: 'elapsed', width: 100, align: 'right', render: (_, r) => <Elapsed row={r} /> },
      { title: t('columns.attempts'), dataIndex: 'attempts', width: 80, align: 'right', render: (a: number) => (a > 1 ? a : '') },
      { title: t('columns.error'), key: 'error', render: (_, r) => (r.error ? <span style={ellipsis} title={r.error.message}>{errorText(r.error, t, i18n.language)}</span> : null) },
    ];
  }, [t, i18n.language, token]);
  return (
    <PageTable<PowerRow>
      above={330}
      data-testid="power-table"
      recycleRows // cells keep no state: Elapsed derives its ticking from the row it is given
      rowKey="name"
      dataSource={rows}
      columns={columns}
      locale={{ emptyText: t('empty') }}
      onRow={(r) => ({ 'data-node': r.name } as React.HTMLAttributes<HTMLElement>)}
    />
  );
}
