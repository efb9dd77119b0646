import { ROLES, type Role } from '@careloop/contracts/vocab';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { LanguageSwitch } from '../../app/LanguageSwitch.tsx';
import { useSession } from '../../app/session.tsx';
import { ErrorNote, Field } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

/** Demo accounts as the README and `npm start` print them; they only work on the demo clinic. */
const demoAccount = (role: Role) => ({
  email: `${role.replace('_', '-')}@demo.careloop.local`,
  password: `demo-${role.replace('_', '-')}-2026`,
});

export function LoginScreen() {
  const { t } = useI18n();
  const { login, expired } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${t('auth.title')}`;
    h1.current?.focus();
  }, [t]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email, password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <div className="login-card">
        <div className="login-top">
          <span className="brand">Careloop</span>
          <LanguageSwitch />
        </div>
        <h1 ref={h1} tabIndex={-1}>
          {t('auth.title')}
        </h1>
        {expired ? (
          <p className="note note-warn" role="status">
            {t('auth.expired')}
          </p>
        ) : null}
        <form onSubmit={submit} noValidate>
          <Field label={t('auth.email')}>
            {(p) => (
              <input
                {...p}
                name="email"
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            )}
          </Field>
          <Field label={t('auth.password')}>
            {(p) => (
              <input
                {...p}
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          <ErrorNote error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {t('auth.submit')}
          </button>
        </form>
        <details className="demo-accounts">
          <summary>{t('auth.demoAccounts')}</summary>
          <ul>
            {ROLES.map((role) => (
              <li key={role}>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    const a = demoAccount(role);
                    setEmail(a.email);
                    setPassword(a.password);
                  }}
                >
                  {t('auth.useAccount', { role: t(`role.${role}`) })}
                </button>
              </li>
            ))}
          </ul>
        </details>
      </div>
    </main>
  );
}
