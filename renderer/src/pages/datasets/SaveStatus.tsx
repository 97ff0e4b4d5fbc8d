import { useEffect, useState } from 'react';
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SaveState } from './useAnnotations';

/**
 * "Saving…", "Saved at hh:mm:ss" or the save's error, for the annotation and classification views.
 * A save that gets no answer for a while (the server was stopped, the link dropped) is said to be
 * unconfirmed instead of saving forever.
 */
export function SaveStatus({ save, testId }: { save: SaveState; testId: string }) {
  const { t } = useTranslation('datasets');
  const [stalled, setStalled] = useState(false);
  useEffect(() => {
    setStalled(false);
    if (save.kind !== 'saving') return;
    const timer = window.setTimeout(() => setStalled(true), 5000);
    return () => window.clearTimeout(timer);
  }, [save]);
  const text = save.kind === 'saving' ? t(stalled ? 'annotate.noAnswer' : 'annotate.saving') : save.kind === 'saved' ? t('annotate.saved', { at: save.at.slice(11, 19) }) : save.kind === 'error' ? save.message : '';
  return <Typography.Text type={save.kind === 'error' || stalled ? 'danger' : 'secondary'} data-testid={testId}>{text}</Typography.Text>;
}
