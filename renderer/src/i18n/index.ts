import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import enCommon from './locales/en/common.json';
import enPower from './locales/en/power.json';
import enInventory from './locales/en/inventory.json';
import enAudit from './locales/en/audit.json';
import enSettings from './locales/en/settings.json';
import enConsoles from './locales/en/consoles.json';
import enJobs from './locales/en/jobs.json';
import enQueues from './locales/en/queues.json';
import enDatasets from './locales/en/datasets.json';
import zhCommon from './locales/zh-CN/common.json';
import zhPower from './locales/zh-CN/power.json';
import zhInventory from './locales/zh-CN/inventory.json';
import zhAudit from './locales/zh-CN/audit.json';
import zhSettings from './locales/zh-CN/settings.json';
import zhConsoles from './locales/zh-CN/consoles.json';
import zhJobs from './locales/zh-CN/jobs.json';
import zhQueues from './locales/zh-CN/queues.json';
import zhDatasets from './locales/zh-CN/datasets.json';
import enErrors from '../../../shared/i18n/errors.en.json';
import zhErrors from '../../../shared/i18n/errors.zh-CN.json';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

// Every catalog is bundled: the app must work with no network.
void i18n.use(initReactI18next).init({
  resources: {
    en: { common: enCommon, power: enPower, datasets: enDatasets, inventory: enInventory, audit: enAudit, settings: enSettings, consoles: enConsoles, jobs: enJobs, queues: enQueues, errors: enErrors },
    'zh-CN': { common: zhCommon, power: zhPower, datasets: zhDatasets, inventory: zhInventory, audit: zhAudit, settings: zhSettings, consoles: zhConsoles, jobs: zhJobs, queues: zhQueues, errors: zhErrors },
  },
  lng: 'en',
  fallbackLng: 'en',
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
  // i18next otherwise prints a sponsor's message with a web address in every page's console at start.
  showSupportNotice: false,
});

export default i18n;
