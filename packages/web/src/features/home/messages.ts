import { defineMessages } from '../../i18n/define.ts';

export const homeMessages = defineMessages({
  ru: {
    'home.title': 'Главная',
    'home.welcome': 'Здравствуйте, {name}',
  },
  en: {
    'home.title': 'Home',
    'home.welcome': 'Hello, {name}',
  },
});
