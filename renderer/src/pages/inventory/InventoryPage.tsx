import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { NodesTab } from './NodesTab';
import { GroupsTab } from './GroupsTab';
import { RacksTab } from './RacksTab';

export function InventoryPage() {
  const { t } = useTranslation('inventory');
  return (
    <Tabs
      destroyOnHidden
      items={[
        { key: 'nodes', label: t('tabs.nodes'), children: <NodesTab /> },
        { key: 'groups', label: t('tabs.groups'), children: <GroupsTab /> },
        { key: 'racks', label: t('tabs.racks'), children: <RacksTab /> },
      ]}
    />
  );
}
