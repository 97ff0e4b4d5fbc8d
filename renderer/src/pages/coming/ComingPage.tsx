import { Empty, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../state/ui';

/** Pages whose issues are still open say what they will hold, instead of pretending. */
export function ComingPage({ page }: { page: Page }) {
  const { t } = useTranslation();
  return (
    <Empty
      style={{ marginTop: 80 }}
      description={
        <div style={{ maxWidth: 560, margin: '0 auto' }} data-testid="coming">
          <Typography.Title level={4}>{t('coming.title', { page: t(`nav.${page}`) })}</Typography.Title>
          <Typography.Paragraph type="secondary">{t(`coming.${page}`)}</Typography.Paragraph>
        </div>
      }
    />
  );
}
