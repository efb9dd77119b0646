import { createHash } from 'node:crypto';
import { requiresWrittenForm } from './kinds.ts';

/**
 * Default consent texts, one per kind (R3), and the check that a Russian written
 * consent names all nine elements of 152-FZ art. 9(4) before it can be published (R5).
 */
export interface ConsentTemplate {
  readonly kind: string;
  readonly locale: 'ru' | 'en';
  readonly title: string;
  readonly body: string;
}

export const WRITTEN_CONSENT_ELEMENTS = [
  'subject_identity',
  'representative',
  'operator',
  'purpose',
  'data_list',
  'processor',
  'actions_and_methods',
  'term_and_withdrawal',
  'signature',
] as const;
export type WrittenConsentElement = (typeof WRITTEN_CONSENT_ELEMENTS)[number];

/** What each element must show in the text: a placeholder or a heading of the standard form. */
const ELEMENT_MARKERS: Readonly<Record<WrittenConsentElement, readonly RegExp[]>> = {
  subject_identity: [/\{\{subject\.full_name\}\}/, /\{\{subject\.address\}\}/, /\{\{subject\.document\}\}/],
  representative: [/\{\{representative\.(full_name|details)\}\}/, /\{\{representative\.authority\}\}/],
  operator: [/\{\{operator\.name\}\}/, /\{\{operator\.address\}\}/],
  purpose: [/цел[ьи]\s+обработки/i],
  data_list: [/перечень\s+персональных\s+данных/i],
  processor: [/\{\{processor\.name\}\}/, /\{\{processor\.address\}\}/],
  actions_and_methods: [/перечень\s+действий/i, /способ(ы|ов)?\s+обработки/i],
  term_and_withdrawal: [/срок/i, /отозван/i],
  signature: [/подпись/i, /\{\{signature\.date\}\}/],
};

export function missingWrittenElements(body: string): WrittenConsentElement[] {
  return WRITTEN_CONSENT_ELEMENTS.filter((el) => !ELEMENT_MARKERS[el].every((re) => re.test(body)));
}

/** Only RU written-form kinds are held to the nine elements; the others need a non-empty text. */
export function publicationProblems(t: { kind: string; locale: string; body: string }): string[] {
  if (t.body.trim().length < 40) return ['text_too_short'];
  if (t.locale === 'ru' && requiresWrittenForm(t.kind)) return missingWrittenElements(t.body);
  return [];
}

export const bodyHash = (body: string): Buffer => createHash('sha256').update(body.normalize('NFC')).digest();

const WRITTEN_HEADER = `Я, {{subject.full_name}}, проживающий(ая) по адресу {{subject.address}}, документ, удостоверяющий личность: {{subject.document}},
в лице представителя {{representative.full_name}} (действует на основании {{representative.authority}}; заполняется, если согласие даёт представитель),
даю согласие оператору {{operator.name}}, адрес: {{operator.address}},`;

const WRITTEN_FOOTER = `Обработку по поручению оператора осуществляет {{processor.name}}, адрес: {{processor.address}}.
Перечень действий с персональными данными: сбор, запись, систематизация, накопление, хранение, уточнение, использование, удаление, уничтожение; способы обработки — автоматизированная и без использования средств автоматизации.
Согласие действует до его отзыва, но не более 5 лет (срок действия). Согласие может быть отозвано письменным заявлением, на странице настроек уведомлений или ответом «СТОП» на SMS.
Подпись: ____________ / {{subject.full_name}} /  Дата: {{signature.date}}`;

export const DEFAULT_TEMPLATES: readonly ConsentTemplate[] = [
  {
    kind: 'pd.marketing',
    locale: 'ru',
    title: 'Согласие на обработку персональных данных в целях продвижения услуг',
    body: 'Я даю согласие {{operator.name}} на обработку моих персональных данных (ФИО, пол, возраст, город, контактные данные, даты посещений) в целях информирования меня об услугах клиники, акциях и специальных предложениях. Согласие действует до отзыва и может быть отозвано в любой момент на странице настроек уведомлений.',
  },
  {
    kind: 'pd.marketing.health_based',
    locale: 'ru',
    title: 'Письменное согласие на обработку сведений о состоянии здоровья для персональных предложений',
    body: `${WRITTEN_HEADER}
на обработку моих персональных данных. Цель обработки: подбор и направление мне персональных предложений медицинских услуг с учётом сведений о посещённых специалистах и оказанных услугах.
Перечень персональных данных: ФИО, дата рождения, пол, контактные данные, сведения о посещениях специалистов и оказанных медицинских услугах.
${WRITTEN_FOOTER}`,
  },
  {
    kind: 'pd.distribution',
    locale: 'ru',
    title: 'Согласие на обработку персональных данных, разрешённых для распространения',
    body: `${WRITTEN_HEADER}
на распространение моих персональных данных. Цель обработки: публикация отзыва о работе клиники с указанием имени.
Перечень персональных данных: имя и первая буква фамилии.
${WRITTEN_FOOTER}`,
  },
  {
    kind: 'tracking.web',
    locale: 'ru',
    title: 'Согласие на связывание посещений сайта с медицинской картой',
    body: 'Я даю согласие {{operator.name}} связывать мои действия на сайте клиники (просмотренные страницы и записи) с моей медицинской картой, чтобы сайт показывал мне подходящие услуги и напоминания. Без согласия сайт работает без персонализации. Согласие отзывается на странице настроек.',
  },
  ...(['email', 'sms', 'messenger', 'call'] as const).map(
    (ch): ConsentTemplate => ({
      kind: `ads.receive.${ch}`,
      locale: 'ru',
      title: `Согласие на получение рекламы: ${{ email: 'электронная почта', sms: 'SMS', messenger: 'мессенджер', call: 'телефонные звонки' }[ch]}`,
      body: `Я согласен(на) получать от {{operator.name}} рекламные сообщения об услугах клиники по каналу «${{ email: 'электронная почта', sms: 'SMS', messenger: 'мессенджер', call: 'телефонный звонок' }[ch]}» (ст. 18 Федерального закона «О рекламе»). Отказаться можно в любой момент одним действием: ссылкой в письме, ответом «СТОП» или на странице настроек.`,
    }),
  ),
];
