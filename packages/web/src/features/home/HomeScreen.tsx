import { useStaff } from '../../app/session.tsx';
import { Page } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function HomeScreen() {
  const { t } = useI18n();
  const staff = useStaff();
  return (
    <Page title={t('home.title')}>
      <p>{t('home.welcome', { name: staff.displayName })}</p>
    </Page>
  );
}
