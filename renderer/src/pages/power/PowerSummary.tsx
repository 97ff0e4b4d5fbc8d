import { Progress, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { isFinal, summaryParts, type PowerRow } from './rows';

/** The folded summary (`120 on, 6 off, 2 timeout: gpu[007,091]`) in the page's language, with progress. */
export function PowerSummary({ rows, running }: { rows: PowerRow[]; running: boolean }) {
  const { t } = useTranslation('power');
  if (rows.length === 0) return null;
  const done = rows.filter((r) => isFinal(r.state)).length;
  let line = '';
  let afterNodes = false;
  // Folding names costs a pass over every failed node: done once the batch ends, counts meanwhile.
  for (const p of summaryParts(rows, !running)) {
    const part = t('summary.part', { count: p.count, label: t(`labels.${p.label}`) });
    line += line ? (afterNodes ? t('summary.afterNodes') : t('summary.separator')) : '';
    line += p.nodes ? `${part}${t('summary.colon')}${p.nodes}` : part;
    afterNodes = p.nodes !== null;
  }
  return (
    <Space direction="vertical" size={2} style={{ width: '100%' }}>
      <Progress percent={Math.floor((done / rows.length) * 100)} size="small" status={running ? 'active' : done === rows.length ? 'normal' : 'exception'} format={() => t('progress', { done, total: rows.length })} />
      <Typography.Text strong data-testid="power-summary">{line || '\u00a0'}</Typography.Text>
    </Space>
  );
}
