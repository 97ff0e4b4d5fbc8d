import { Button, Checkbox, Dropdown, InputNumber, Popover, Space } from 'antd';
import { PoweroffOutlined, ReloadOutlined, SettingOutlined, ThunderboltOutlined, BulbOutlined, QuestionCircleOutlined, RollbackOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { BOOT_DEVICES, type PowerAction, type RunOptions } from '../../../../shared/contract/schemas/power';

export interface UiOptions {
  fanout: number | null;
  timeoutS: number | null;
  staggerMs: number | null;
  persistent: boolean;
  uefi: boolean;
}

export function toRunOptions(o: UiOptions): RunOptions {
  return {
    fanout: o.fanout ?? undefined,
    timeoutMs: o.timeoutS ? Math.round(o.timeoutS * 1000) : undefined,
    staggerMs: o.staggerMs ?? undefined,
    persistent: o.persistent,
    uefi: o.uefi,
  };
}

interface Props {
  disabled: boolean;
  options: UiOptions;
  onOptions(o: UiOptions): void;
  onAction(action: PowerAction, extra?: Partial<RunOptions>): void;
}

/** The action buttons; destructive ones are red and confirmed by the page. */
export function PowerActions({ disabled, options, onOptions, onAction }: Props) {
  const { t } = useTranslation('power');
  const button = (action: PowerAction, icon: React.ReactNode, danger = false) => (
    <Button key={action} icon={icon} danger={danger} disabled={disabled} onClick={() => onAction(action)} data-testid={`power-${action}`}>
      {t(`actions.${action}`)}
    </Button>
  );
  const settings = (
    <Space direction="vertical" data-testid="power-options">
      <Space><span style={{ width: 110, display: 'inline-block' }}>{t('options.fanout')}</span>
        <InputNumber min={1} max={4096} placeholder="128" value={options.fanout} onChange={(v) => onOptions({ ...options, fanout: v })} /></Space>
      <Space><span style={{ width: 110, display: 'inline-block' }}>{t('options.timeout')}</span>
        <InputNumber min={1} max={600} placeholder="10" value={options.timeoutS} onChange={(v) => onOptions({ ...options, timeoutS: v })} /></Space>
      <Space><span style={{ width: 110, display: 'inline-block' }}>{t('options.stagger')}</span>
        <InputNumber min={0} max={600_000} placeholder="0" value={options.staggerMs} onChange={(v) => onOptions({ ...options, staggerMs: v })} /></Space>
      <Checkbox checked={options.persistent} onChange={(e) => onOptions({ ...options, persistent: e.target.checked })}>{t('options.persistent')}</Checkbox>
      <Checkbox checked={options.uefi} onChange={(e) => onOptions({ ...options, uefi: e.target.checked })}>{t('options.uefi')}</Checkbox>
    </Space>
  );
  return (
    <Space wrap>
      {button('status', <QuestionCircleOutlined />)}
      {button('on', <ThunderboltOutlined />)}
      {button('off', <PoweroffOutlined />, true)}
      {button('cycle', <ReloadOutlined />, true)}
      {button('reset', <RollbackOutlined />, true)}
      {button('soft', <PoweroffOutlined />, true)}
      {button('identify', <BulbOutlined />)}
      <Dropdown
        disabled={disabled}
        menu={{ items: BOOT_DEVICES.map((d) => ({ key: d, label: t(`bootDevices.${d}`) })), onClick: ({ key }) => onAction('bootdev', { bootDevice: key as (typeof BOOT_DEVICES)[number] }) }}
      >
        <Button data-testid="power-bootdev">{t('actions.bootdev')}</Button>
      </Dropdown>
      <Popover trigger="click" content={settings} title={t('options.title')}>
        <Button icon={<SettingOutlined />} aria-label={t('options.title')} data-testid="power-options-button" />
      </Popover>
    </Space>
  );
}
