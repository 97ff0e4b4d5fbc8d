import { useEffect, useRef, useState } from 'react';
import { Button, InputNumber, Space, Table, Typography } from 'antd';
import { ExportOutlined, LinkOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import type { JobEndpoint } from '../../../../shared/contract/schemas/jobs';

interface Opened { url: string; via: string; closed: string | null }

/**
 * A running job's endpoints (Jupyter, TensorBoard). Open forwards one to 127.0.0.1 in the main process for as long
 * as this panel is shown (closing the detail unsubscribes, which closes the forward) and the job runs; the link opens
 * the forwarded URL (serve: a browser tab; desktop: the system browser). The renderer itself never connects anywhere.
 */
export function EndpointsPanel({ id }: { id: number }) {
  const { t } = useTranslation('jobs');
  const list = useCall(() => api.jobs.endpoints.query({ id }), [id]);
  const [opened, setOpened] = useState<Record<string, Opened>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [port, setPort] = useState<number | null>(null);
  const subs = useRef(new Map<string, { unsubscribe(): void }>());

  useEffect(() => () => {
    for (const s of subs.current.values()) s.unsubscribe();
    subs.current.clear();
  }, [id]);

  const open = (key: string, input: { name?: string; port?: number }) => {
    setErrors((e) => ({ ...e, [key]: '' }));
    const sub = api.jobs.openEndpoint.subscribe({ id, ...input }, {
      onData: (e) => {
        if (e.type === 'open') setOpened((o) => ({ ...o, [key]: { url: e.url, via: e.via, closed: null } }));
        else setOpened((o) => (o[key] ? { ...o, [key]: { ...o[key], closed: e.reason } } : o));
      },
      onError: (err) => {
        subs.current.delete(key);
        setErrors((e) => ({ ...e, [key]: err.message }));
      },
    });
    subs.current.set(key, sub);
  };
  const close = (key: string) => {
    subs.current.get(key)?.unsubscribe();
    subs.current.delete(key);
    setOpened((o) => {
      const { [key]: _gone, ...rest } = o;
      return rest;
    });
  };

  const rows: (JobEndpoint & { key: string })[] = [
    ...(list.data ?? []).map((e) => ({ ...e, key: e.name })),
    ...[...new Set([...Object.keys(opened), ...Object.keys(errors).filter((k) => errors[k])])].filter((k) => k.startsWith('port-') && !(list.data ?? []).some((e) => e.name === k))
      .map((k) => ({ key: k, name: k, host: '', port: Number(k.slice(5)), source: 'request' as const, pod: null })),
  ];
  const cell = (key: string) => {
    const o = opened[key];
    if (errors[key]) return <Typography.Text type="danger">{errors[key]}</Typography.Text>;
    if (!o) return null;
    if (o.closed) return <Typography.Text type="secondary">{t('endpoints.closed', { reason: o.closed })}</Typography.Text>;
    return (
      <Space size="small">
        <a href={o.url} target="_blank" rel="noreferrer" data-testid={`endpoint-url-${key}`}><LinkOutlined /> {o.url}</a>
        <Typography.Text type="secondary">{t('endpoints.via', { via: o.via })}</Typography.Text>
      </Space>
    );
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="job-endpoints">
      <Space>
        <Typography.Text strong>{t('endpoints.title')}</Typography.Text>
        {/* A server that starts later reports its endpoint later: look again on demand. */}
        <Button size="small" type="text" icon={<ReloadOutlined />} onClick={list.reload} loading={list.loading} aria-label={t('common:actions.refresh')} data-testid="endpoints-reload" />
      </Space>
      {list.error && <Typography.Text type="danger">{list.error.message}</Typography.Text>}
      {rows.length > 0 && (
        <Table size="small" rowKey="key" pagination={false} dataSource={rows}
          columns={[
            { title: t('endpoints.name'), dataIndex: 'name', width: 120 },
            { title: t('endpoints.target'), key: 'target', width: 200, render: (_: unknown, e) => (e.host ? `${e.host}:${e.port}` : `:${e.port}`) },
            { title: t('endpoints.source'), dataIndex: 'source', width: 110, render: (v: string) => t(`endpoints.sources.${v}`) },
            { title: t('endpoints.local'), key: 'local', render: (_: unknown, e) => cell(e.key) },
            {
              title: '', key: 'act', width: 90, render: (_: unknown, e) => (opened[e.key] && !opened[e.key].closed
                ? <Button size="small" onClick={() => close(e.key)} data-testid={`endpoint-close-${e.key}`}>{t('endpoints.close')}</Button>
                : <Button size="small" type="primary" icon={<ExportOutlined />} onClick={() => open(e.key, e.source === 'request' ? { port: e.port } : { name: e.name })} data-testid={`endpoint-open-${e.key}`}>{t('endpoints.open')}</Button>),
            },
          ]} />
      )}
      {list.data && rows.length === 0 && <Typography.Text type="secondary">{t('endpoints.none')}</Typography.Text>}
      <Space>
        <InputNumber min={1} max={65535} style={{ width: 170 }} placeholder={t('endpoints.port')} value={port} onChange={(v) => setPort(v)} data-testid="endpoint-port"
          onPressEnter={() => port && open(`port-${port}`, { port })} />
        <Button disabled={!port} onClick={() => port && open(`port-${port}`, { port })} data-testid="endpoint-open-port">{t('endpoints.openPort')}</Button>
      </Space>
    </Space>
  );
}
