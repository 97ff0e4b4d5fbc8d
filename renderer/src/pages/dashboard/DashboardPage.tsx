import { Card, Col, List, Row, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import { go } from '../../shell/navigation';

export function DashboardPage() {
  const { t } = useTranslation();
  const info = useCall(() => api.system.info.query(), [], ['*']);
  const recent = useCall(() => api.audit.list.query({ offset: 0, limit: 8 }), [], ['*']);
  const c = info.data?.counts;
  const stats: [string, number | undefined, () => void][] = [
    ['nodes', c?.nodes, () => go('inventory')], ['groups', c?.groups, () => go('inventory')], ['racks', c?.racks, () => go('inventory')],
    ['rooms', c?.rooms, () => go('inventory')], ['credentials', c?.credentials, () => go('settings')],
  ];
  return (
    <div>
      <Row gutter={[16, 16]}>
        {stats.map(([key, value, onClick]) => (
          <Col key={key} xs={12} md={8} xl={4}>
            <Card hoverable onClick={onClick} data-testid={`stat-${key}`}>
              <Statistic title={t(`dashboard.${key}`)} value={value ?? '–'} />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={14}>
          <Card title={t('dashboard.recent')} size="small">
            <List
              size="small"
              dataSource={recent.data?.items ?? []}
              renderItem={(e) => (
                <List.Item>
                  <Typography.Text type="secondary" style={{ width: 170, flex: 'none' }}>{e.startedAt.replace('T', ' ').slice(0, 19)}</Typography.Text>
                  <span style={{ flex: 1 }}>{e.module} · {e.action} {e.targets && <Typography.Text code>{e.targets.slice(0, 40)}</Typography.Text>}</span>
                  <Tag color={e.result === 'ok' ? 'green' : e.result === 'running' ? 'blue' : 'red'}>{t(`audit:results.${e.result}`)}</Tag>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('dashboard.gettingStarted')} size="small">
            <Typography.Paragraph>1. {t('dashboard.start1')}</Typography.Paragraph>
            <Typography.Paragraph>2. {t('dashboard.start2')}</Typography.Paragraph>
            <Typography.Paragraph>3. {t('dashboard.start3')}</Typography.Paragraph>
            <Typography.Text type="secondary">{t('dashboard.dataDir')}: <Typography.Text code>{info.data?.dataDir}</Typography.Text> · {t('dashboard.version')} {info.data?.version}</Typography.Text>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
