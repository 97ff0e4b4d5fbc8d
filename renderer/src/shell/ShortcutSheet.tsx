import { useEffect, useState } from 'react';
import { Modal, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** `?` anywhere outside a text field shows the keyboard shortcuts. */
export function ShortcutSheet() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input, textarea, [contenteditable]')) return;
      if (e.key === '?') { e.preventDefault(); setOpen((o) => !o); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const rows = [
    ['Alt+1 … Alt+=, Alt+,', t('shortcuts.pages')],
    ['/', t('shortcuts.search')],
    ['n', t('shortcuts.addNode')],
    ['Delete', t('shortcuts.deleteSelection')],
    ['Enter', t('shortcuts.applyNodeSet')],
    ['Ctrl+Enter', t('shortcuts.saveForm')],
    ['?', t('shortcuts.sheet')],
  ];
  return (
    <Modal open={open} title={t('shortcuts.title')} footer={null} onCancel={() => setOpen(false)} data-testid="shortcut-sheet">
      <Table size="small" pagination={false} rowKey={(r) => r[0]} dataSource={rows}
        columns={[{ title: t('shortcuts.key'), dataIndex: 0, width: 160, render: (k: string) => <Typography.Text keyboard>{k}</Typography.Text> }, { title: t('shortcuts.action'), dataIndex: 1 }]} />
    </Modal>
  );
}
