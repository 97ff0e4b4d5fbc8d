import { useEffect, useState } from 'react';
import { Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, appErrorOf } from '../api/client';
import type { NodeSetPreview } from '../../../shared/contract/schemas/inventory';

interface Props {
  value: string;
  onChange(value: string): void;
  onPressEnter?(): void;
  placeholder?: string;
  autoFocus?: boolean;
  testId?: string;
}

/**
 * Every place a user picks nodes: a node set expression with a live count and the folded form,
 * resolved by main against the inventory (groups, racks, rooms).
 */
export function NodeSetInput({ value, onChange, onPressEnter, placeholder, autoFocus, testId }: Props) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<NodeSetPreview | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!value.trim()) { setPreview(null); setError(null); return; }
    let stale = false;
    const timer = setTimeout(() => {
      api.inventory.previewNodeSet.query({ expr: value }).then(
        (p) => { if (!stale) { setPreview(p); setError(null); } },
        (e) => { if (!stale) { setPreview(null); setError(appErrorOf(e).message); } },
      );
    }, 150);
    return () => { stale = true; clearTimeout(timer); };
  }, [value]);

  return (
    <Space direction="vertical" size={2} style={{ width: '100%' }}>
      <Input
        allowClear
        autoFocus={autoFocus}
        value={value}
        data-testid={testId}
        status={error ? 'error' : undefined}
        placeholder={placeholder ?? t('nodeset.placeholder')}
        onChange={(e) => onChange(e.target.value)}
        onPressEnter={onPressEnter}
      />
      <Typography.Text type={error ? 'danger' : 'secondary'} style={{ fontSize: 12 }} data-testid={testId ? `${testId}-preview` : undefined}>
        {error ?? (preview ? (
          <>
            {t('nodeset.count', { count: preview.count })}
            {preview.count > 0 ? ` · ${preview.folded.length > 160 ? `${preview.folded.slice(0, 160)}…` : preview.folded}` : ''}
            {preview.unknown.length ? ` · ${t('nodeset.unknown', { count: preview.unknown.length, nodes: preview.unknownFolded })}` : ''}
          </>
        ) : '\u00a0')}
      </Typography.Text>
    </Space>
  );
}
