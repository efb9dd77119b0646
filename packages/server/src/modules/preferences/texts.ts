/** Plain-language names of what a patient agrees to, for the preference page (R8: as clear as granting). */
export const KIND_TEXT: Readonly<Record<string, { ru: string; en: string }>> = {
  'pd.marketing': {
    ru: 'Использовать мои данные (возраст, город, даты визитов), чтобы сообщать об услугах и акциях клиники',
    en: "Use my data (age, city, visit dates) to tell me about the clinic's services and offers",
  },
  'pd.marketing.health_based': {
    ru: 'Подбирать предложения с учётом врачей и услуг, которые я посещал(а)',
    en: 'Tailor offers to the doctors and services I visited',
  },
  'ads.receive.email': { ru: 'Получать предложения по электронной почте', en: 'Receive offers by e-mail' },
  'ads.receive.sms': { ru: 'Получать предложения по SMS', en: 'Receive offers by text message' },
  'ads.receive.messenger': { ru: 'Получать предложения в мессенджере', en: 'Receive offers in a messenger' },
  'ads.receive.call': { ru: 'Получать предложения по телефону', en: 'Receive offers by phone call' },
  'tracking.web': {
    ru: 'Связывать мои посещения сайта с медицинской картой',
    en: 'Link my website visits to my patient record',
  },
  'pd.distribution': { ru: 'Публиковать мой отзыв с именем', en: 'Publish my review with my name' },
};

export const kindText = (kind: string, lang: 'ru' | 'en'): string => {
  const t = KIND_TEXT[kind];
  if (t) return t[lang];
  if (kind.startsWith('transfer.'))
    return lang === 'ru'
      ? `Передавать контакты партнёру ${kind.slice(9)}`
      : `Share contacts with ${kind.slice(9)}`;
  if (kind.startsWith('secrecy.disclose.')) {
    return lang === 'ru'
      ? `Раскрывать врачебную тайну ${kind.slice(17)}`
      : `Disclose medical confidentiality to ${kind.slice(17)}`;
  }
  return kind;
};

export const PAGE_TEXT = {
  ru: {
    title: 'Ваши согласия',
    hello: (name: string | undefined) => (name ? `Здравствуйте, ${name}!` : 'Здравствуйте!'),
    intro: 'Здесь видно, на что вы дали согласие клинике, и можно отозвать любое согласие одним нажатием.',
    granted: 'Согласие дано',
    notGranted: 'Согласия нет',
    since: 'с',
    withdraw: 'Отозвать',
    grant: 'Дать согласие',
    written: 'Это согласие даётся письменно: подпишите его в клинике.',
    care: 'Напоминания о записях и сообщения о лечении приходят без согласия на рекламу.',
    done: 'Готово: изменения сохранены.',
    unsubscribeTitle: 'Отписаться от рассылки',
    unsubscribeAsk: (channel: string) => `Больше не получать рекламные сообщения по каналу «${channel}»?`,
    unsubscribeButton: 'Отписаться',
    unsubscribed: 'Вы отписаны. Рекламных сообщений по этому каналу больше не будет.',
    manage: 'Управлять всеми согласиями',
    why: 'Почему вы получили это сообщение',
  },
  en: {
    title: 'Your consents',
    hello: (name: string | undefined) => (name ? `Hello, ${name}!` : 'Hello!'),
    intro: 'This page shows what you have agreed to and lets you withdraw any consent with one tap.',
    granted: 'Consent given',
    notGranted: 'No consent',
    since: 'since',
    withdraw: 'Withdraw',
    grant: 'Give consent',
    written: 'This consent is given in writing: sign it at the clinic.',
    care: 'Appointment reminders and care messages do not depend on consent to offers.',
    done: 'Done: your changes are saved.',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeAsk: (channel: string) => `Stop receiving offers by ${channel}?`,
    unsubscribeButton: 'Unsubscribe',
    unsubscribed: 'You are unsubscribed. You will get no more offers by this channel.',
    manage: 'Manage all consents',
    why: 'Why you received this message',
  },
} as const;

export const CHANNEL_TEXT = {
  ru: { email: 'электронная почта', sms: 'SMS', messenger: 'мессенджер', call: 'телефонные звонки' },
  en: { email: 'e-mail', sms: 'text message', messenger: 'messenger', call: 'phone calls' },
} as const;
