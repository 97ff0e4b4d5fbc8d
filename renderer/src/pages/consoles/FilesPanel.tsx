import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Input, Modal, Popconfirm, Progress, Space, Table, Tag, Typography, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, appErrorOf } from '../../api/client';
import type { FileEntry, TransferEvent, TransferProgress } from '../../../../shared/contract/schemas/files';

interface Folder { path: string; pathB64?: string }
interface Transfer { kind: 'upload' | 'download'; progress: TransferProgress | null; done: string | null }

const parentOf = (p: string): string => p.replace(/\/[^/]*\/?$/, '') || '/';
const fmtSize = (n: number): string => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);

/**
 * SFTP file manager for one node. The renderer never touches the local disk: uploads and
 * downloads take local paths the user types, and main does the copying (with progress; closing
 * the subscription cancels it). Entries are addressed by their raw bytes (pathB64), so escaped
 * names still work.
 */
export function FilesPanel() {
  const { t } = useTranslation('consoles');
  const [node, setNode] = useState('');
  const [pathText, setPathText] = useState('/');
  const [folder, setFolder] = useState<Folder | null>(null);
  const [entries, setEntries] = useState<FileEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [localPath, setLocalPath] = useState('');
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const [editing, setEditing] = useState<{ entry: FileEntry; text: string } | null>(null);
  const [renaming, setRenaming] = useState<{ entry: FileEntry; to: string } | null>(null);
  const [newFolder, setNewFolder] = useState<string | null>(null);
  const sub = useRef<{ unsubscribe(): void } | null>(null);

  useEffect(() => () => sub.current?.unsubscribe(), []);

  const load = async (f: Folder) => {
    if (!node.trim()) return;
    setLoading(true); setError(null);
    try {
      const r = await api.files.list.query({ node, path: f.path, pathB64: f.pathB64 });
      setFolder({ path: r.path, pathB64: r.pathB64 }); setPathText(r.path); setEntries(r.entries);
    } catch (err) { setError(appErrorOf(err).message); } finally { setLoading(false); }
  };
  const reload = () => folder && load(folder);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try { await fn(); await reload(); } catch (err) { setError(appErrorOf(err).message); }
  };

  const startTransfer = (kind: 'upload' | 'download', entry?: FileEntry) => {
    if (!folder || !localPath.trim()) return;
    sub.current?.unsubscribe();
    setError(null);
    setTransfer({ kind, progress: null, done: null });
    const handlers = {
      onData: (ev: TransferEvent) => {
        if (ev.type === 'progress') setTransfer({ kind, progress: ev.progress, done: null });
        else if (ev.type === 'done') { setTransfer({ kind, progress: ev.progress, done: ev.target }); void reload(); }
      },
      onError: (err: unknown) => { setError(appErrorOf(err).message); setTransfer(null); },
    };
    sub.current = kind === 'upload'
      ? api.files.upload.subscribe({ node, localPath, remoteDir: folder.path, remoteDirB64: folder.pathB64 }, handlers)
      : api.files.download.subscribe({ node, path: entry!.path, pathB64: entry!.pathB64, localDir: localPath }, handlers);
  };
  const cancelTransfer = () => { sub.current?.unsubscribe(); sub.current = null; setTransfer(null); setError(t('files.cancelled')); };

  const openEntry = async (e: FileEntry) => {
    if (e.type === 'dir') return load({ path: e.path, pathB64: e.pathB64 });
    try {
      const r = await api.files.readText.query({ node, path: e.path, pathB64: e.pathB64 });
      setEditing({ entry: e, text: r.text });
    } catch (err) { setError(appErrorOf(err).message); }
  };

  const p = transfer?.progress;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Input style={{ width: 200 }} placeholder={t('files.node')} value={node} onChange={(e) => setNode(e.target.value)} data-testid="files-node" />
        <Space.Compact style={{ width: 520 }}>
          <Button onClick={() => folder && load({ path: parentOf(folder.path) })} disabled={!folder} data-testid="files-up">..</Button>
          <Input value={pathText} onChange={(e) => setPathText(e.target.value)} onPressEnter={() => load({ path: pathText })} style={{ fontFamily: 'monospace' }} data-testid="files-path" />
          <Button type="primary" onClick={() => load({ path: pathText })} loading={loading} disabled={!node.trim()} data-testid="files-go">{t('files.open')}</Button>
        </Space.Compact>
        <Button onClick={() => setNewFolder('')} disabled={!folder} data-testid="files-mkdir">{t('files.mkdir')}</Button>
      </Space>
      <Space wrap>
        <Input style={{ width: 420, fontFamily: 'monospace' }} placeholder={t('files.localPath')} value={localPath} onChange={(e) => setLocalPath(e.target.value)} data-testid="files-local" />
        <Button onClick={() => startTransfer('upload')} disabled={!folder || !localPath.trim() || (!!transfer && !transfer.done)} data-testid="files-upload">{t('files.upload')}</Button>
        {transfer && !transfer.done && <Button danger onClick={cancelTransfer} data-testid="files-cancel">{t('files.cancel')}</Button>}
      </Space>
      {error && <Alert type="error" showIcon message={error} closable onClose={() => setError(null)} data-testid="files-error" />}
      {transfer && (
        <div data-testid="files-progress">
          <Progress percent={p && p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : transfer.done ? 100 : 0} status={transfer.done ? 'success' : 'active'}
            format={(pct) => `${pct}% · ${p?.filesDone ?? 0}/${p?.filesTotal ?? 0}`} />
          <Typography.Text type="secondary">{transfer.done ? t(`files.${transfer.kind}Done`, { target: transfer.done }) : p?.current}</Typography.Text>
        </div>
      )}
      <Table<FileEntry>
        size="small" rowKey="pathB64" virtual pagination={false} scroll={{ y: 480 }} dataSource={entries} loading={loading} data-testid="files-table"
        onRow={(e) => ({ onDoubleClick: () => void openEntry(e), 'data-testid': `file-row-${e.name}` } as React.HTMLAttributes<HTMLElement>)}
        columns={[
          { title: t('files.name'), key: 'name', render: (_, e) => (
            <Space>
              <Typography.Link onClick={() => void openEntry(e)} style={{ fontFamily: 'monospace' }}>{e.name}{e.type === 'dir' ? '/' : ''}</Typography.Link>
              {e.escaped && <Tag color="orange">{t('files.escaped')}</Tag>}
            </Space>) },
          { title: t('files.size'), key: 'size', width: 110, render: (_, e) => (e.type === 'dir' ? '' : fmtSize(e.size)) },
          { title: t('files.mode'), key: 'mode', width: 80, render: (_, e) => e.mode.toString(8).padStart(4, '0') },
          { title: t('files.modified'), key: 'mtime', width: 210, render: (_, e) => new Date(e.mtime * 1000).toLocaleString() },
          { title: '', key: 'actions', width: 260, render: (_, e) => (
            <Space size="small">
              <Button size="small" onClick={() => startTransfer('download', e)} disabled={!localPath.trim()} data-testid={`file-download-${e.name}`}>{t('files.download')}</Button>
              <Button size="small" onClick={() => setRenaming({ entry: e, to: e.name })} data-testid={`file-rename-${e.name}`}>{t('files.rename')}</Button>
              <Popconfirm title={t(e.type === 'dir' ? 'files.confirmDeleteFolder' : 'files.confirmDelete', { name: e.name })} okText={t('files.delete')} okButtonProps={{ danger: true, 'data-testid': 'files-confirm-delete' } as ButtonProps}
                onConfirm={() => act(() => api.files.remove.mutate({ node, path: e.path, pathB64: e.pathB64, recursive: e.type === 'dir' }))}>
                <Button size="small" danger data-testid={`file-delete-${e.name}`}>{t('files.delete')}</Button>
              </Popconfirm>
            </Space>) },
        ]}
      />
      <Modal open={newFolder !== null} title={t('files.mkdir')} onCancel={() => setNewFolder(null)} okButtonProps={{ disabled: !newFolder?.trim(), 'data-testid': 'files-mkdir-ok' } as ButtonProps}
        onOk={() => { const name = newFolder!.trim(); setNewFolder(null); void act(() => api.files.mkdir.mutate({ node, path: `${folder!.path.replace(/\/$/, '')}/${name}` })); }}>
        <Input autoFocus value={newFolder ?? ''} onChange={(e) => setNewFolder(e.target.value)} placeholder={t('files.folderName')} data-testid="files-mkdir-name" />
      </Modal>
      <Modal open={!!renaming} title={t('files.rename')} onCancel={() => setRenaming(null)}
        onOk={() => { const r = renaming!; setRenaming(null); void act(() => api.files.rename.mutate({ node, path: r.entry.path, pathB64: r.entry.pathB64, to: r.to })); }}>
        <Input value={renaming?.to ?? ''} onChange={(e) => setRenaming((r) => r && { ...r, to: e.target.value })} data-testid="files-rename-to" />
      </Modal>
      <Modal open={!!editing} width={900} title={editing?.entry.path} okText={t('files.save')} onCancel={() => setEditing(null)}
        onOk={() => { const ed = editing!; setEditing(null); void act(() => api.files.writeText.mutate({ node, path: ed.entry.path, pathB64: ed.entry.pathB64, text: ed.text })); }}>
        <Input.TextArea value={editing?.text ?? ''} onChange={(e) => setEditing((ed) => ed && { ...ed, text: e.target.value })} autoSize={{ minRows: 12, maxRows: 30 }}
          style={{ fontFamily: 'monospace' }} data-testid="files-editor" />
      </Modal>
    </Space>
  );
}
