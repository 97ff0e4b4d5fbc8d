import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { Language } from '../i18n';

export const PAGES = ['dashboard', 'inventory', 'power', 'consoles', 'jobs', 'queues', 'templates', 'datasets', 'models', 'monitoring', 'alerts', 'audit', 'settings'] as const;
export type Page = (typeof PAGES)[number];

interface UiState {
  language: Language;
  theme: 'light' | 'dark';
  setLanguage(language: Language): void;
  setTheme(theme: 'light' | 'dark'): void;
}

function initialLanguage(): Language {
  return navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** Preferences that survive a restart; the page itself lives in the URL hash so reload keeps it. */
export const useUi = create<UiState>()(
  persist(
    (set) => ({
      language: initialLanguage(),
      theme: 'light',
      setLanguage: (language) => set({ language }),
      setTheme: (theme) => set({ theme }),
    }),
    { name: 'clusterdeck-ui' },
  ),
);

export function pageFromHash(hash: string): Page {
  const p = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (PAGES as readonly string[]).includes(p) ? (p as Page) : 'dashboard';
}
