import { useState } from 'react';
import { App, Button, Form, Input, Modal, Popconfirm, Space } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { PageTable } from '../../components/PageTable';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import { NodeSetInput } from '../../components/NodeSetInput';
import type { Group } from '../../../../shared/contract/schemas/inventory';

export function GroupsTab() {
  const { t } = useTranslation('inventory');
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const list = useCall(() => api.inventory.listGroups.query(), [], ['inventory', 'lab']);
  const [adding, setAdding] = useState(false);
  const [members, setMembers] = useState<{ group: string; expr: string } | null>(null);
  const [form] = Form.useForm<{ name: string; description: string }>();

  const openMembers = (g: Group) =>
    api.inventory.groupMembers.query({ name: g.name }).then(async (names) => {
      const folded = names.length ? (await api.inventory.previewNodeSet.query({ expr: names.join(',') })).folded : '';
      setMembers({ group: g.name, expr: folded });
    }, notifyError);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="group-add">{t('groups.add')}</Button>
      <PageTable<Group>
        above={260}
        rowKey="id"
        dataSource={list.data ?? []}
        columns={[
          { title: t('columns.name'), dataIndex: 'name', width: 200 },
          { title: t('columns.size'), dataIndex: 'size', width: 100 },
          { title: t('columns.description'), dataIndex: 'description' },
          {
            title: '', key: 'actions', width: 200,
            render: (_, g) => (
              <Space>
                <Button size="small" onClick={() => openMembers(g)}>{t('groups.members')}</Button>
                <Popconfirm title={t('groups.deleteConfirm', { name: g.name })} onConfirm={() => api.inventory.removeGroup.mutate({ name: g.name }).then(list.reload, notifyError)}>
                  <Button size="small" danger type="link">{t('common:actions.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={adding} title={t('groups.add')} destroyOnHidden onCancel={() => setAdding(false)}
        onOk={async () => {
          const v = await form.validateFields();
          api.inventory.addGroup.mutate({ name: v.name, description: v.description ?? '' }).then(() => { setAdding(false); form.resetFields(); list.reload(); }, notifyError);
        }}>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('columns.name')} rules={[{ required: true, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/ }]}><Input data-testid="group-name" /></Form.Item>
          <Form.Item name="description" label={t('columns.description')}><Input /></Form.Item>
        </Form>
      </Modal>
      {members && (
        <Modal open width={640} title={`${t('groups.members')}: ${members.group}`} onCancel={() => setMembers(null)} okText={t('groups.setMembers')}
          onOk={() => api.inventory.setGroupMembers.mutate({ name: members.group, op: 'set', nodeset: members.expr }).then((r) => {
            message.success(`${members.group}: ${r.members}`);
            setMembers(null);
            list.reload();
          }, notifyError)}>
          <NodeSetInput value={members.expr} onChange={(expr) => setMembers({ ...members, expr })} placeholder={t('groups.membersHint')} testId="group-members" autoFocus />
        </Modal>
      )}
    </Space>
  );
}
