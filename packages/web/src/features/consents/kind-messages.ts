import { defineMessages } from '../../i18n/define.ts';

export const kindMessages = defineMessages({
  ru: {
    'kind.pd.marketing': 'Обработка данных для маркетинга',
    'kind.pd.marketing.health_based': 'Маркетинг с учётом сведений о здоровье',
    'kind.pd.distribution': 'Распространение персональных данных',
    'kind.tracking.web': 'Веб-аналитика',
    'kind.ads.receive.email': 'Реклама по e-mail',
    'kind.ads.receive.sms': 'Реклама по SMS',
    'kind.ads.receive.messenger': 'Реклама в мессенджерах',
    'kind.ads.receive.call': 'Рекламные звонки',
    'kind.transfer': 'Передача данных: {to}',
    'kind.secrecy': 'Раскрытие врачебной тайны: {to}',
  },
  en: {
    'kind.pd.marketing': 'Processing data for marketing',
    'kind.pd.marketing.health_based': 'Marketing based on health information',
    'kind.pd.distribution': 'Distribution of personal data',
    'kind.tracking.web': 'Web analytics',
    'kind.ads.receive.email': 'Advertising by e-mail',
    'kind.ads.receive.sms': 'Advertising by SMS',
    'kind.ads.receive.messenger': 'Advertising in messengers',
    'kind.ads.receive.call': 'Advertising calls',
    'kind.transfer': 'Data transfer: {to}',
    'kind.secrecy': 'Disclosure of medical confidentiality: {to}',
  },
});
