import { memo, useEffect, useState } from 'react';
import { Layout, Menu, Select, Space, Switch, Tag, Tooltip, Typography, theme as antTheme } from 'antd';
import { LockOutlined, UnlockOutlined, MoonOutlined, SunOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { NAV, go } from './navigation';
import { pageFromHash, useUi, type Page } from '../state/ui';
import { LANGUAGES } from '../i18n';
import { api } from '../api/client';
import type { VaultStatus } from '../../../shared/contract/schemas/vault';
import { DashboardPage } from '../pages/dashboard/DashboardPage';
import { InventoryPage } from '../pages/inventory/InventoryPage';
import { AuditPage } from '../pages/audit/AuditPage';
import { ConsolesPage } from '../pages/consoles/ConsolesPage';
import { SettingsPage } from '../pages/settings/SettingsPage';
import { PowerPage } from '../pages/power/PowerPage';
import { ComingPage } from '../pages/coming/ComingPage';
import { JobsPage } from '../pages/jobs/JobsPage';
import { QueuesPage } from '../pages/queues/QueuesPage';
import { TemplatesPage } from '../pages/templates/TemplatesPage';
import { DatasetsPage } from '../pages/datasets/DatasetsPage';
import { ShortcutSheet } from './ShortcutSheet';

// Memo: the shell re-renders on its own polls (vault status every 10 s); a page with a 10,000-row table must not
// re-render with it (that re-render was a 25 ms frame in the middle of scrolling).
const PageView = memo(function PageView({ page }: { page: Page }) {
  switch (page) {
    case 'dashboard': return <DashboardPage />;
    case 'inventory': return <InventoryPage />;
    case 'consoles': return <ConsolesPage />;
    case 'audit': return <AuditPage />;
    case 'settings': return <SettingsPage />;
    case 'jobs': return <JobsPage />;
    case 'queues': return <QueuesPage />;
    case 'templates': return <TemplatesPage />;
    case 'datasets': return <DatasetsPage />;
    case 'power': return <PowerPage />;
    default: return <ComingPage page={page} />;
  }
});

const PAGE_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '='];

export function AppShell() {
  const { t } = useTranslation();
  const { language, setLanguage, theme, setTheme } = useUi();
  const [page, setPage] = useState<Page>(pageFromHash(location.hash));
  const [vault, setVault] = useState<VaultStatus | null>(null);
  const { token } = antTheme.useToken();

  useEffect(() => {
    const onHash = () => setPage(pageFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    // Alt+1…9, Alt+0, Alt+- and Alt+= jump between pages, like switching tabs; Alt+, is Settings (the last page),
    // as Ctrl+, is in most desktop apps.
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const i = PAGE_KEYS.indexOf(e.key);
      if (i >= 0 && NAV[i]) { e.preventDefault(); go(NAV[i].page); }
      else if (e.key === ',') { e.preventDefault(); go(NAV[NAV.length - 1].page); }
    };
    window.addEventListener('keydown', onKey);
    return () => { window.removeEventListener('hashchange', onHash); window.removeEventListener('keydown', onKey); };
  }, []);

  useEffect(() => {
    // The same answer keeps the same object: the shell then does not re-render every 10 s for nothing.
    const keep = (next: VaultStatus | null) => setVault((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    const load = () => api.vault.status.query().then(keep, () => keep(null));
    load();
    const timer = setInterval(load, 10_000);
    return () => clearInterval(timer);
  }, [page]);

  return (
    <Layout style={{ height: '100vh' }}>
      <Layout.Sider width={200} theme={theme} style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}>
        <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 18 }}>{t('app.name')}</div>
        <Menu
          mode="inline"
          theme={theme}
          selectedKeys={[page]}
          onClick={({ key }) => go(key as Page)}
          items={NAV.map((n, i) => ({ key: n.page, icon: n.icon, label: <span data-testid={`nav-${n.page}`} title={i === NAV.length - 1 ? 'Alt+,' : PAGE_KEYS[i] && `Alt+${PAGE_KEYS[i]}`}>{t(`nav.${n.page}`)}</span> }))}
          style={{ borderInlineEnd: 'none' }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: token.colorBgContainer, padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="page-title">{t(`nav.${page}`)}</Typography.Title>
          <Space size="middle">
            {vault && (
              <Tooltip title={t('nav.settings')}>
                <Tag data-testid="vault-status" icon={vault.unlocked ? <UnlockOutlined /> : <LockOutlined />} color={vault.unlocked ? 'green' : 'orange'} style={{ cursor: 'pointer' }} onClick={() => go('settings')}>
                  {t(vault.unlocked ? 'vault.unlocked' : vault.initialized ? 'vault.locked' : 'vault.uninitialized')}
                </Tag>
              </Tooltip>
            )}
            <Select
              data-testid="language"
              size="small"
              value={language}
              style={{ width: 110 }}
              onChange={setLanguage}
              options={LANGUAGES.map((l) => ({ value: l, label: l === 'en' ? 'English' : '简体中文' }))}
              aria-label={t('language.label')}
            />
            <Switch
              checkedChildren={<MoonOutlined />}
              unCheckedChildren={<SunOutlined />}
              checked={theme === 'dark'}
              onChange={(dark) => setTheme(dark ? 'dark' : 'light')}
              aria-label={t('theme.label')}
            />
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 16, overflow: 'auto' }}>
          <PageView page={page} />
          <ShortcutSheet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
