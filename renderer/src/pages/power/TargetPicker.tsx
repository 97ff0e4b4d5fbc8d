import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';

/** Groups, racks and rooms as node set terms (`@gpu`, `@rack:r01`, `@room:hall1`), added to the node set. */
export function TargetPicker({ value, onChange }: { value: string; onChange(v: string): void }) {
  const { t } = useTranslation('power');
  const groups = useCall(() => api.inventory.listGroups.query(), [], ['inventory', 'lab']);
  const racks = useCall(() => api.inventory.listRacks.query(), [], ['inventory', 'lab']);
  const rooms = useCall(() => api.inventory.listRooms.query(), [], ['inventory', 'lab']);
  const options = [
    { label: t('picker.groups'), options: (groups.data ?? []).map((g) => ({ value: `@${g.name}`, label: `@${g.name} (${g.size})` })) },
    { label: t('picker.racks'), options: (racks.data ?? []).map((r) => ({ value: `@rack:${r.name}`, label: `@rack:${r.name} (${r.nodes})` })) },
    { label: t('picker.rooms'), options: (rooms.data ?? []).map((r) => ({ value: `@room:${r.name}`, label: `@room:${r.name}` })) },
  ].filter((g) => g.options.length > 0);
  return (
    <Select
      showSearch
      style={{ width: 220 }}
      placeholder={t('picker.placeholder')}
      value={null}
      options={options}
      data-testid="power-picker"
      onChange={(term: string) => onChange(value.trim() ? `${value.trim()},${term}` : term)}
    />
  );
}
