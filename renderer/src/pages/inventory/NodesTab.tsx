import { useEffect, useMemo, useRef, useState } from 'react';
import { App, Button, Dropdown, Input, Space, Typography, theme, type InputRef, type TableColumnsType } from 'antd';
import { DeleteOutlined, DownloadOutlined, PlusOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { PageTable } from '../../components/PageTable';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { askWithKept, keptList } from '../../state/listCache';
import { useErrorNotice } from '../../components/errors';
import { NodeSetInput } from '../../components/NodeSetInput';
import { downloadText } from '../../components/download';
import { NodeDrawer } from './NodeDrawer';
import { ImportDialog } from './ImportDialog';
import { powerCell, useLastPowerStates } from '../power/LastPower';
import { NODE_TYPES, type Node, type NodeList } from '../../../../shared/contract/schemas/inventory';

export function NodesTab() {
  const { t, i18n } = useTranslation('inventory');
  const power = useLastPowerStates();
  const { token } = theme.useToken();
  const { modal, message } = App.useApp();
  const notifyError = useErrorNotice();
  const [filter, setFilter] = useState('');
  const [applied, setApplied] = useState('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [editing, setEditing] = useState<Node | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const searchRef = useRef<InputRef>(null);
  // Asked with the etag of the list kept from the last visit: an unchanged list is not sent again (listCache.ts),
  // and the kept one is drawn at once.
  const listKey = `nodes:${applied}`;
  const list = useCall(
    () => askWithKept(listKey, (ifNoneMatch) => api.inventory.listNodes.query({ nodeset: applied || undefined, offset: 0, limit: 100_000, ifNoneMatch })),
    [applied], ['inventory', 'lab'], keptList<NodeList>(listKey),
  );

  // "/" focuses the search box, "n" adds a node, Delete removes the selection: the repeated moves.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest('input, textarea, [contenteditable], .ant-modal, .ant-drawer')) return;
      if (e.key === '/') { e.preventDefault(); searchRef.current?.focus(); }
      else if (e.key === 'n') { e.preventDefault(); setEditing('new'); }
      else if (e.key === 'Delete' && selected.length) { e.preventDefault(); confirmDelete(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const rows = useMemo(() => {
    const items = list.data?.items ?? [];
    const s = search.trim().toLowerCase();
    if (!s) return items;
    return items.filter((n) => n.name.toLowerCase().includes(s) || n.hostname.toLowerCase().includes(s) || (n.gpuModel ?? '').toLowerCase().includes(s));
  }, [list.data, search]);

  // Built once per language: a virtual table re-renders only visible rows when columns are stable.
  const columns = useMemo<TableColumnsType<Node>>(() => {
    // Looked up once here, not per row drawn: a scroll frame draws new rows, and each t() call allocates.
    const typeLabels = new Map<string, string>(NODE_TYPES.map((v) => [v, t(`types.${v}`)]));
    const powerLabels = new Map<string, string>();
    const powerText = { label: (s: string) => powerLabels.get(s) ?? powerLabels.set(s, t(`power:powerStates.${s}`)).get(s)!, language: i18n.language, on: token.colorSuccess, off: token.colorTextQuaternary };
    return [
      { title: t('columns.name'), dataIndex: 'name', width: 160, fixed: 'left', sorter: (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }), render: (v: string, n) => <a onClick={() => setEditing(n)}>{v}</a> },
      { title: t('columns.hostname'), dataIndex: 'hostname', width: 160 },
      { title: t('columns.type'), dataIndex: 'type', width: 100, render: (v: string) => typeLabels.get(v) ?? v, filters: NODE_TYPES.map((v) => ({ text: typeLabels.get(v), value: v })), onFilter: (v, n) => n.type === v },
      { title: t('columns.rack'), dataIndex: 'rack', width: 110, sorter: (a, b) => (a.rack ?? '').localeCompare(b.rack ?? '') },
      { title: t('columns.u'), dataIndex: 'u', width: 70, render: (u: number | null, n) => (u === null ? '' : n.uHeight > 1 ? `${u}-${u + n.uHeight - 1}` : u) },
      { title: t('columns.gpus'), key: 'gpus', width: 140, render: (_, n) => (n.gpuCount ? `${n.gpuCount} × ${n.gpuModel ?? 'GPU'}` : '') },
      { title: t('columns.groups'), dataIndex: 'groups', width: 200, render: (g: string[]) => g.join(', ') },
      { title: t('columns.ssh'), key: 'ssh', width: 220, render: (_, n) => (n.ssh ? `${n.ssh.user}@${n.ssh.host}:${n.ssh.port}${n.ssh.credential ? ` (${n.ssh.credential})` : ''}` : '') },
      { title: t('columns.bmc'), key: 'bmc', width: 240, render: (_, n) => (n.bmc ? `${n.bmc.protocol} ${n.bmc.host}:${n.bmc.port}${n.bmc.credential ? ` (${n.bmc.credential})` : ''}` : '') },
      { title: t('power:lastState'), key: 'power', width: 90, render: (_, n) => powerCell(power.get(n.name), powerText) },
      { title: t('columns.labels'), dataIndex: 'labels', render: (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(' ') },
    ];
  }, [t, i18n.language, power, token]);

  const confirmDelete = () => {
    const names = selected.join(',');
    api.inventory.previewNodeSet.query({ expr: names }).then((p) => {
      modal.confirm({
        title: t('deleteConfirm', { count: p.count }),
        content: t('deleteDetail', { nodes: p.folded }),
        okButtonProps: { danger: true, id: 'confirm-delete' },
        okText: t('common:actions.delete'),
        onOk: () => api.inventory.removeNodes.mutate({ nodeset: p.folded }).then((r) => {
          message.success(t('deleted', { count: r.removed }));
          setSelected([]);
          list.reload();
        }, notifyError),
      });
    }, notifyError);
  };

  const exportAs = (format: 'csv' | 'yaml') =>
    api.inventory.exportNodes.query({ format, nodeset: applied || undefined }).then((r) => {
      downloadText(`clusterdeck-nodes.${format}`, r.text, format === 'csv' ? 'text/csv' : 'application/yaml');
      message.success(t('exported', { count: r.count }));
    }, notifyError);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap align="start">
        <div style={{ width: 360 }}>
          <NodeSetInput value={filter} onChange={(v) => { setFilter(v); if (!v) setApplied(''); }} onPressEnter={() => setApplied(filter)} placeholder={t('filter')} testId="nodes-filter" />
        </div>
        <Input.Search ref={searchRef} allowClear placeholder={t('searchPlaceholder')} style={{ width: 220 }} onChange={(e) => setSearch(e.target.value)} data-testid="nodes-search" />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="node-add">{t('addNode')}</Button>
        <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="node-import">{t('common:actions.import')}</Button>
        <Dropdown menu={{ items: [{ key: 'csv', label: 'CSV' }, { key: 'yaml', label: 'YAML' }], onClick: ({ key }) => exportAs(key as 'csv' | 'yaml') }}>
          <Button icon={<DownloadOutlined />}>{t('common:actions.export')}</Button>
        </Dropdown>
        <Button danger icon={<DeleteOutlined />} disabled={!selected.length} onClick={confirmDelete} data-testid="node-delete">
          {t('common:actions.delete')}{selected.length ? ` (${selected.length})` : ''}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={list.reload}>{t('common:actions.refresh')}</Button>
      </Space>
      <Typography.Text type="secondary" data-testid="nodes-total">
        {t('total', { shown: rows.length, total: list.data?.total ?? 0 })}{selected.length ? ` · ${t('selected', { count: selected.length })}` : ''}
      </Typography.Text>
      <PageTable<Node>
        above={300}
        width={1800} /* the columns' widths and ~220 px left for Labels */
        recycleRows
        data-testid="nodes-table"
        rowKey="name"
        loading={list.loading}
        dataSource={rows}
        locale={{ emptyText: t('empty') }}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }}
        onRow={(n) => ({ onDoubleClick: () => setEditing(n) })}
        columns={columns}
      />
      {editing && <NodeDrawer node={editing === 'new' ? null : editing} onClose={(saved) => { setEditing(null); if (saved) list.reload(); }} />}
      {importing && <ImportDialog onClose={(imported) => { setImporting(false); if (imported) list.reload(); }} />}
    </Space>
  );
}
