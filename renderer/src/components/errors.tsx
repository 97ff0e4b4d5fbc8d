import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../shared/errors';
import { appErrorOf } from '../api/client';

/** Shows a contract error: the translated title, with the server's precise sentence below it. */
export function useErrorNotice(): (error: unknown) => void {
  const { notification } = App.useApp();
  const { t, i18n } = useTranslation();
  return (error: unknown) => {
    const e: AppErrorData = appErrorOf(error);
    const title = i18n.language === 'en' ? t('common:errors.title') : t(`errors:${e.key}`, { ...e.params, defaultValue: t('common:errors.title') });
    notification.error({ message: title, description: e.message, duration: 8 });
  };
}

export function errorText(e: AppErrorData, t: (k: string, o?: Record<string, unknown>) => string, language: string): string {
  return language === 'en' ? e.message : `${t(`errors:${e.key}`, { ...e.params, defaultValue: e.message })}`;
}
