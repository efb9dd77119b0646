import { useEffect } from 'react';
import { LoginScreen } from '../features/auth/index.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { Link, match, navigate, usePathname } from './router.tsx';
import { SCREENS } from './routes.ts';
import { useSession, useStaff } from './session.tsx';

export function App() {
  const { session, checking } = useSession();
  const { t } = useI18n();
  if (checking) {
    return (
      <main id="main" className="login">
        <p role="status">{t('app.loading')}</p>
      </main>
    );
  }
  return session ? <Shell /> : <LoginScreen />;
}

function Shell() {
  const { t } = useI18n();
  const { logout } = useSession();
  const staff = useStaff();
  const pathname = usePathname();
  const visible = SCREENS.filter((s) => !s.roles || s.roles.includes(staff.role));
  const found = match(visible, pathname);
  const forbidden = !found && match(SCREENS, pathname) !== null;

  // The sign-in page lives at any path; after signing in, /login goes home.
  useEffect(() => {
    if (pathname === '/login') navigate('/', { replace: true });
  }, [pathname]);

  const Current = found?.screen.component;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <Link href="/" className="brand">
          {t('app.name')}
        </Link>
        {staff.isDemo ? <span className="badge">{t('app.demo')}</span> : null}
        <div className="top-right">
          <LanguageSwitch />
          <span className="who">
            {staff.displayName} · {t(`role.${staff.role}`)}
          </span>
          <button type="button" onClick={() => void logout()}>
            {t('app.logout')}
          </button>
        </div>
      </header>
      <nav className="side" aria-label={t('app.nav')}>
        <ul>
          {visible
            .filter((s) => s.nav)
            .map((s) => {
              const active = s.path === '/' ? pathname === '/' : pathname.startsWith(s.path);
              return (
                <li key={s.path}>
                  <Link href={s.path} aria-current={active ? 'page' : undefined}>
                    {t(s.title)}
                  </Link>
                </li>
              );
            })}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {Current && found ? (
          <Current key={pathname} params={found.params} />
        ) : (
          <>
            <h1>{forbidden ? t('app.forbidden') : t('app.notFound')}</h1>
            <p>
              <Link href="/">{t('home.title')}</Link>
            </p>
          </>
        )}
      </main>
    </div>
  );
}
