import {
  DashboardOutlined, DatabaseOutlined, PoweroffOutlined, CodeOutlined, ScheduleOutlined, SnippetsOutlined, PictureOutlined,
  ExperimentOutlined, ClusterOutlined, LineChartOutlined, AlertOutlined, AuditOutlined, SettingOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Page } from '../state/ui';

export const NAV: { page: Page; icon: ReactNode }[] = [
  { page: 'dashboard', icon: <DashboardOutlined /> },
  { page: 'inventory', icon: <DatabaseOutlined /> },
  { page: 'power', icon: <PoweroffOutlined /> },
  { page: 'consoles', icon: <CodeOutlined /> },
  { page: 'jobs', icon: <ScheduleOutlined /> },
  { page: 'queues', icon: <ClusterOutlined /> },
  { page: 'templates', icon: <SnippetsOutlined /> },
  { page: 'datasets', icon: <PictureOutlined /> },
  { page: 'models', icon: <ExperimentOutlined /> },
  { page: 'monitoring', icon: <LineChartOutlined /> },
  { page: 'alerts', icon: <AlertOutlined /> },
  { page: 'audit', icon: <AuditOutlined /> },
  { page: 'settings', icon: <SettingOutlined /> },
];

export function go(page: Page): void {
  location.hash = `#/${page}`;
}
