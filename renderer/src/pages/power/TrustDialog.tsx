import { useState } from 'react';
import { App, Modal, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useErrorNotice } from '../../components/errors';

export interface Untrusted {
  name: string;
  host: string;
  port: number;
  fingerprint: string;
}

/**
 * Trust on first use: the fingerprints the BMCs presented, for the user to compare with the BMCs
 * themselves. Main pins exactly these, and only if each BMC still presents the same one.
 */
export function TrustDialog({ items, onClose }: { items: Untrusted[]; onClose(pinned: number): void }) {
  const { t } = useTranslation('power');
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const [busy, setBusy] = useState(false);
  const pin = () => {
    setBusy(true);
    api.power.trust.mutate({ entries: items.map((i) => ({ name: i.name, fingerprint: i.fingerprint })) }).then((results) => {
      const ok = results.filter((r) => r.ok).length;
      if (ok < results.length) message.warning(t('trust.partial', { ok, total: results.length }));
      else message.success(t('trust.done', { count: ok }));
      onClose(ok);
    }, (e) => { notifyError(e); setBusy(false); });
  };
  return (
    <Modal open title={t('trust.title', { count: items.length })} okText={t('trust.ok')} onOk={pin} confirmLoading={busy} onCancel={() => onClose(0)} width={900} okButtonProps={{ id: 'trust-confirm' }}>
      <Typography.Paragraph type="secondary">{t('trust.explain')}</Typography.Paragraph>
      <Table
        size="small"
        rowKey="name"
        pagination={false}
        scroll={{ y: 320 }}
        dataSource={items}
        columns={[
          { title: t('columns.node'), dataIndex: 'name', width: 120 },
          { title: t('trust.bmc'), key: 'bmc', width: 180, render: (_, i: Untrusted) => `${i.host}:${i.port}` },
          { title: t('trust.fingerprint'), dataIndex: 'fingerprint', render: (f: string) => <Typography.Text code copyable style={{ fontSize: 12 }}>{f}</Typography.Text> },
        ]}
      />
    </Modal>
  );
}
