import { useState } from 'react';
import { Button, Card, Col, Empty, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Space, Table, Tooltip, theme } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import type { Rack, Room, Node } from '../../../../shared/contract/schemas/inventory';
import { LastPower, useLastPower } from '../power/LastPower';

/** One node's box in the rack view; its left edge shows the last known power state (green on, grey off). */
function RackNode({ node, height }: { node: Node; height: number }) {
  const { token } = theme.useToken();
  const power = useLastPower(node.name);
  const edge = power?.state === 'on' ? token.colorSuccess : power?.state === 'off' ? token.colorTextQuaternary : token.colorPrimaryBorder;
  return (
    <Tooltip title={`${node.name} · ${node.hostname}${node.gpuCount ? ` · ${node.gpuCount}× ${node.gpuModel ?? 'GPU'}` : ''}`}>
      <div data-node={node.name} style={{
        flex: 1, background: node.type === 'gpu' || node.gpuCount ? token.colorPrimaryBg : token.colorFillSecondary, border: `1px solid ${token.colorPrimaryBorder}`,
        borderLeft: `4px solid ${edge}`, paddingLeft: 6, overflow: 'hidden', lineHeight: `${height - 2}px`, whiteSpace: 'nowrap',
      }}>
        {node.name} <LastPower name={node.name} compact />
      </div>
    </Tooltip>
  );
}

/** A rack elevation: units from the top (highest U) down, each node drawn across its height. */
function RackView({ rack }: { rack: Rack }) {
  const { token } = theme.useToken();
  const nodes = useCall(() => api.inventory.listNodes.query({ nodeset: `@rack:${rack.name}`, offset: 0, limit: 100 }), [rack.name]);
  const byU = new Map<number, Node>();
  for (const n of nodes.data?.items ?? []) if (n.u !== null) byU.set(n.u, n);
  const rows: { u: number; node?: Node; span: number }[] = [];
  for (let u = rack.heightU; u >= 1; u--) {
    const top = (nodes.data?.items ?? []).find((n) => n.u !== null && n.u + n.uHeight - 1 === u);
    if (top) { rows.push({ u, node: top, span: top.uHeight }); u -= top.uHeight - 1; } else rows.push({ u, span: 1 });
  }
  return (
    <div data-testid="rack-view" style={{ border: `2px solid ${token.colorBorder}`, borderRadius: 4, width: 280, fontSize: 11 }}>
      {rows.map((r) => (
        <div key={r.u} style={{ display: 'flex', height: 16 * r.span, borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
          <div style={{ width: 32, textAlign: 'right', paddingRight: 4, color: token.colorTextSecondary }}>{r.u}</div>
          {r.node ? (
            <RackNode node={r.node} height={16 * r.span} />
          ) : <div style={{ flex: 1 }} />}
        </div>
      ))}
    </div>
  );
}

export function RacksTab() {
  const { t } = useTranslation('inventory');
  const notifyError = useErrorNotice();
  const racks = useCall(() => api.inventory.listRacks.query(), [], ['inventory', 'lab']);
  const rooms = useCall(() => api.inventory.listRooms.query(), [], ['inventory']);
  const [selected, setSelected] = useState<Rack | null>(null);
  const [dialog, setDialog] = useState<'rack' | 'room' | null>(null);
  const [rackForm] = Form.useForm();
  const [roomForm] = Form.useForm();

  const submit = async () => {
    try {
      if (dialog === 'rack') {
        const v = await rackForm.validateFields();
        await api.inventory.addRack.mutate({ name: v.name, room: v.room ?? null, heightU: v.heightU ?? 42, row: v.row ?? null, column: v.column ?? null });
        racks.reload();
      } else {
        const v = await roomForm.validateFields();
        await api.inventory.addRoom.mutate({ name: v.name, description: v.description ?? '' });
        rooms.reload();
      }
      setDialog(null);
    } catch (e) {
      if ((e as { errorFields?: unknown }).errorFields) return;
      notifyError(e);
    }
  };

  return (
    <Row gutter={16}>
      <Col flex="auto">
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog('rack')} data-testid="rack-add">{t('racks.add')}</Button>
            <Button icon={<PlusOutlined />} onClick={() => setDialog('room')}>{t('racks.addRoom')}</Button>
          </Space>
          <Table<Rack>
            rowKey="id" size="small" pagination={false} dataSource={racks.data ?? []}
            onRow={(r) => ({ onClick: () => setSelected(r) })}
            rowClassName={(r) => (r.name === selected?.name ? 'ant-table-row-selected' : '')}
            columns={[
              { title: t('columns.name'), dataIndex: 'name' },
              { title: t('columns.room'), dataIndex: 'room' },
              { title: t('columns.height'), dataIndex: 'heightU', render: (h: number) => `${h}U` },
              { title: t('columns.position'), key: 'pos', render: (_, r) => (r.row !== null ? `${r.row}, ${r.column ?? '-'}` : '') },
              { title: t('columns.size'), dataIndex: 'nodes' },
              { title: '', key: 'a', width: 80, render: (_, r) => <Popconfirm title={t('racks.deleteConfirm', { name: r.name })} onConfirm={() => api.inventory.removeRack.mutate({ name: r.name }).then(racks.reload, notifyError)}><Button size="small" type="link" danger>{t('common:actions.delete')}</Button></Popconfirm> },
            ]}
          />
          <Table<Room>
            rowKey="id" size="small" pagination={false} dataSource={rooms.data ?? []}
            columns={[
              { title: t('columns.room'), dataIndex: 'name' },
              { title: t('columns.racks'), dataIndex: 'racks' },
              { title: t('columns.description'), dataIndex: 'description' },
              { title: '', key: 'a', width: 80, render: (_, r) => <Popconfirm title={t('racks.deleteConfirm', { name: r.name })} onConfirm={() => api.inventory.removeRoom.mutate({ name: r.name }).then(rooms.reload, notifyError)}><Button size="small" type="link" danger>{t('common:actions.delete')}</Button></Popconfirm> },
            ]}
          />
        </Space>
      </Col>
      <Col flex="320px">
        <Card size="small" title={selected ? `${t('racks.view')}: ${selected.name}` : t('racks.view')}>
          {selected ? <RackView rack={selected} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
        </Card>
      </Col>
      <Modal open={dialog !== null} title={dialog === 'rack' ? t('racks.add') : t('racks.addRoom')} onCancel={() => setDialog(null)} onOk={submit} destroyOnHidden>
        {dialog === 'rack' ? (
          <Form form={rackForm} layout="vertical" initialValues={{ heightU: 42 }}>
            <Form.Item name="name" label={t('columns.name')} rules={[{ required: true, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/ }]}><Input data-testid="rack-name" /></Form.Item>
            <Form.Item name="room" label={t('columns.room')}><Select allowClear options={(rooms.data ?? []).map((r) => ({ value: r.name, label: r.name }))} /></Form.Item>
            <Form.Item name="heightU" label={t('columns.height')}><InputNumber min={1} max={60} /></Form.Item>
            <Space><Form.Item name="row" label="Row"><InputNumber min={0} /></Form.Item><Form.Item name="column" label="Column"><InputNumber min={0} /></Form.Item></Space>
          </Form>
        ) : (
          <Form form={roomForm} layout="vertical">
            <Form.Item name="name" label={t('columns.name')} rules={[{ required: true, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/ }]}><Input /></Form.Item>
            <Form.Item name="description" label={t('columns.description')}><Input /></Form.Item>
          </Form>
        )}
      </Modal>
    </Row>
  );
}
