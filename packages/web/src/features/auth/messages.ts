import { defineMessages } from '../../i18n/define.ts';

export const authMessages = defineMessages({
  ru: {
    'auth.title': 'Вход в Careloop',
    'auth.email': 'E-mail',
    'auth.password': 'Пароль',
    'auth.submit': 'Войти',
    'auth.expired': 'Сеанс завершён из-за бездействия. Войдите снова.',
    'auth.demoAccounts': 'Демо-учётные записи (только синтетические данные)',
    'auth.useAccount': 'Войти как {role}',
  },
  en: {
    'auth.title': 'Sign in to Careloop',
    'auth.email': 'E-mail',
    'auth.password': 'Password',
    'auth.submit': 'Sign in',
    'auth.expired': 'Your session ended after a period of inactivity. Please sign in again.',
    'auth.demoAccounts': 'Demo accounts (synthetic data only)',
    'auth.useAccount': 'Sign in as {role}',
  },
});
