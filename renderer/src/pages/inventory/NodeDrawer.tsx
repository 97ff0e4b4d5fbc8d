import { App, Button, Checkbox, Col, Drawer, Divider, Form, Input, InputNumber, Row, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { useErrorNotice } from '../../components/errors';
import { NODE_TYPES, type Node, type NodeInput } from '../../../../shared/contract/schemas/inventory';

interface Values {
  name: string; hostname: string; type: Node['type']; rack?: string; u?: number; uHeight: number; gpuCount: number; gpuModel?: string;
  groups: string[]; labels?: string; hasSsh: boolean; sshHost?: string; sshPort?: number; sshUser?: string; sshCredential?: string; jumpHost?: string;
  hasBmc: boolean; bmcHost?: string; bmcPort?: number; bmcProtocol?: 'ipmi' | 'redfish'; bmcCredential?: string;
}

function toValues(n: Node | null): Partial<Values> {
  if (!n) return { type: 'compute', uHeight: 1, gpuCount: 0, groups: [], hasSsh: false, hasBmc: false, sshPort: 22, sshUser: 'root', bmcPort: 623, bmcProtocol: 'ipmi' };
  return {
    name: n.name, hostname: n.hostname, type: n.type, rack: n.rack ?? undefined, u: n.u ?? undefined, uHeight: n.uHeight, gpuCount: n.gpuCount,
    gpuModel: n.gpuModel ?? undefined, groups: n.groups, labels: Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join('\n'),
    hasSsh: !!n.ssh, sshHost: n.ssh?.host, sshPort: n.ssh?.port ?? 22, sshUser: n.ssh?.user ?? 'root', sshCredential: n.ssh?.credential ?? undefined, jumpHost: n.ssh?.jumpHost ?? undefined,
    hasBmc: !!n.bmc, bmcHost: n.bmc?.host, bmcPort: n.bmc?.port ?? 623, bmcProtocol: n.bmc?.protocol ?? 'ipmi', bmcCredential: n.bmc?.credential ?? undefined,
  };
}

function toInput(v: Values): NodeInput {
  const labels = Object.fromEntries((v.labels ?? '').split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const i = l.indexOf('=');
    return i > 0 ? [l.slice(0, i).trim(), l.slice(i + 1).trim()] : [l, ''];
  }));
  return {
    name: v.name, hostname: v.hostname, type: v.type, rack: v.rack || null, u: v.u ?? null, uHeight: v.uHeight, gpuCount: v.gpuCount, gpuModel: v.gpuModel || null,
    groups: v.groups, labels,
    ssh: v.hasSsh ? { host: v.sshHost || v.hostname, port: v.sshPort ?? 22, user: v.sshUser || 'root', credential: v.sshCredential || null, jumpHost: v.jumpHost || null } : null,
    bmc: v.hasBmc && v.bmcHost ? { host: v.bmcHost, port: v.bmcPort ?? 623, protocol: v.bmcProtocol ?? 'ipmi', credential: v.bmcCredential || null } : null,
  };
}

/** Add or edit one node; the server validates again and its message is shown as is. */
export function NodeDrawer({ node, onClose }: { node: Node | null; onClose(saved: boolean): void }) {
  const { t } = useTranslation('inventory');
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const [form] = Form.useForm<Values>();
  const hasSsh = Form.useWatch('hasSsh', form);
  const hasBmc = Form.useWatch('hasBmc', form);
  const racks = useCall(() => api.inventory.listRacks.query(), []);
  const groups = useCall(() => api.inventory.listGroups.query(), []);
  const creds = useCall(() => api.vault.list.query(), []);
  const credOptions = (creds.data ?? []).map((c) => ({ value: c.name, label: `${c.name} (${c.kind})` }));

  const save = async () => {
    const v = await form.validateFields();
    const input = toInput(v);
    try {
      if (node) await api.inventory.updateNode.mutate({ name: node.name, patch: input });
      else await api.inventory.addNode.mutate(input);
      message.success(t('saved', { name: input.name }));
      onClose(true);
    } catch (e) {
      notifyError(e);
    }
  };

  return (
    <Drawer
      open
      width={640}
      title={node ? t('editNode', { name: node.name }) : t('addNode')}
      onClose={() => onClose(false)}
      extra={<Space><Button onClick={() => onClose(false)}>{t('common:actions.cancel')}</Button><Button type="primary" onClick={save} data-testid="node-save">{t('common:actions.save')}</Button></Space>}
    >
      <Form form={form} layout="vertical" initialValues={toValues(node)} onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void save(); }}>
        <Divider titlePlacement="start" plain>{t('form.basics')}</Divider>
        <Row gutter={12}>
          <Col span={12}><Form.Item name="name" label={t('columns.name')} rules={[{ required: true, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/ }]}><Input data-testid="node-name" /></Form.Item></Col>
          <Col span={12}><Form.Item name="hostname" label={t('columns.hostname')} rules={[{ required: true }]}><Input data-testid="node-hostname" /></Form.Item></Col>
          <Col span={8}><Form.Item name="type" label={t('columns.type')}><Select options={NODE_TYPES.map((v) => ({ value: v, label: t(`types.${v}`) }))} /></Form.Item></Col>
          <Col span={8}><Form.Item name="gpuCount" label={t('form.gpuCount')}><InputNumber min={0} max={64} style={{ width: '100%' }} /></Form.Item></Col>
          <Col span={8}><Form.Item name="gpuModel" label={t('form.gpuModel')}><Input /></Form.Item></Col>
          <Col span={12}><Form.Item name="groups" label={t('columns.groups')}><Select mode="multiple" options={(groups.data ?? []).map((g) => ({ value: g.name, label: g.name }))} /></Form.Item></Col>
          <Col span={12}><Form.Item name="labels" label={t('columns.labels')} extra={t('form.labelsHint')}><Input.TextArea rows={2} /></Form.Item></Col>
        </Row>
        <Divider titlePlacement="start" plain>{t('form.placement')}</Divider>
        <Row gutter={12}>
          <Col span={10}><Form.Item name="rack" label={t('columns.rack')}><Select allowClear options={(racks.data ?? []).map((r) => ({ value: r.name, label: `${r.name} (${r.heightU}U)` }))} /></Form.Item></Col>
          <Col span={7}><Form.Item name="u" label={t('columns.u')}><InputNumber min={1} max={60} style={{ width: '100%' }} /></Form.Item></Col>
          <Col span={7}><Form.Item name="uHeight" label={t('form.uHeight')}><InputNumber min={1} max={20} style={{ width: '100%' }} /></Form.Item></Col>
        </Row>
        <Divider titlePlacement="start" plain>{t('form.ssh')}</Divider>
        <Form.Item name="hasSsh" valuePropName="checked"><Checkbox>{t('form.enableSsh')}</Checkbox></Form.Item>
        {hasSsh && (
          <Row gutter={12}>
            <Col span={10}><Form.Item name="sshHost" label={t('form.sshHost')}><Input placeholder={form.getFieldValue('hostname')} /></Form.Item></Col>
            <Col span={6}><Form.Item name="sshPort" label={t('form.sshPort')}><InputNumber min={1} max={65535} style={{ width: '100%' }} /></Form.Item></Col>
            <Col span={8}><Form.Item name="sshUser" label={t('form.sshUser')}><Input /></Form.Item></Col>
            <Col span={12}><Form.Item name="sshCredential" label={t('form.credential')}><Select allowClear options={credOptions} /></Form.Item></Col>
            <Col span={12}><Form.Item name="jumpHost" label={t('form.jumpHost')}><Input /></Form.Item></Col>
          </Row>
        )}
        <Divider titlePlacement="start" plain>{t('form.bmc')}</Divider>
        <Form.Item name="hasBmc" valuePropName="checked"><Checkbox>{t('form.enableBmc')}</Checkbox></Form.Item>
        {hasBmc && (
          <Row gutter={12}>
            <Col span={10}><Form.Item name="bmcHost" label={t('form.bmcHost')} rules={[{ required: true }]}><Input /></Form.Item></Col>
            <Col span={6}><Form.Item name="bmcPort" label={t('form.bmcPort')}><InputNumber min={1} max={65535} style={{ width: '100%' }} /></Form.Item></Col>
            <Col span={8}><Form.Item name="bmcProtocol" label={t('form.protocol')}><Select options={[{ value: 'ipmi', label: 'IPMI 2.0' }, { value: 'redfish', label: 'Redfish' }]} /></Form.Item></Col>
            <Col span={12}><Form.Item name="bmcCredential" label={t('form.credential')}><Select allowClear options={credOptions} /></Form.Item></Col>
          </Row>
        )}
      </Form>
    </Drawer>
  );
}
