import type { Language, Purpose } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import type { Clock, Scope } from '../../kernel/index.ts';
import { moveVersion } from './approval.ts';
import { createBlock, createTemplate } from './library.ts';
import type { BlockKind, BlockRef, BlockText, PurposeClass, TemplateKind, Variant } from './model.ts';
import { approvedVersions, findBlock, findTemplate, latestVersionNo } from './store.ts';

/**
 * Ready content for every playbook, in Russian and English, for SMS, e-mail and messenger. Every
 * campaign playbook finds its template by these stable keys. Health-based texts (screening,
 * cross-sell) say nothing on the lock screen that hints at an organ or procedure (R16); every
 * advertising text carries the medical warning (R14), e-mails the unsubscribe link, the postal
 * address and the advertising label (R18, R21).
 */

export const PLAYBOOK_TEMPLATE_KEYS = {
  recall: 'recall',
  birthday: 'birthday',
  screeningMammography: 'screening.mammography',
  crossSellEcg: 'cross_sell.ecg',
  scheduleGap: 'schedule_gap',
  announcement: 'announcement',
  feedback: 'feedback.nps',
  appointmentReminder: 'reminder.appointment',
  /** Not a campaign: delivery's one confirmation after STOP (R22). */
  stopConfirmation: 'stop.confirmation',
} as const;
export type PlaybookTemplateKey = (typeof PLAYBOOK_TEMPLATE_KEYS)[keyof typeof PLAYBOOK_TEMPLATE_KEYS];

/** The purpose each playbook template is sent under. */
export const PLAYBOOK_SEND_PURPOSES: Readonly<Record<PlaybookTemplateKey, Purpose>> = {
  recall: 'marketing.general',
  birthday: 'marketing.general',
  'screening.mammography': 'marketing.health',
  'cross_sell.ecg': 'marketing.health',
  schedule_gap: 'marketing.general',
  announcement: 'marketing.general',
  'feedback.nps': 'service.feedback',
  'reminder.appointment': 'care.appointment',
  'stop.confirmation': 'service.notice',
};

type Texts = Readonly<Record<Language, BlockText>>;

interface BlockSeed {
  readonly key: string;
  readonly kind: BlockKind;
  readonly content: Texts;
  readonly url?: string;
}

interface TemplateSeed {
  readonly key: PlaybookTemplateKey;
  readonly name: string;
  readonly purpose: PurposeClass;
  readonly kind: TemplateKind;
  readonly blocks: readonly string[];
  readonly subject: Readonly<Record<Language, string>>;
  readonly preheader: Readonly<Record<Language, string>>;
  /** Whether it concerns medical services (38-FZ Art. 24); playbooks do unless they say not. */
  readonly medical?: boolean;
}

const WARNING_RU = 'Имеются противопоказания. Необходима консультация специалиста.';
const WARNING_EN = 'Contraindications apply. A specialist consultation is required.';

export const PLAYBOOK_BLOCKS: readonly BlockSeed[] = [
  {
    key: 'greeting.formal',
    kind: 'greeting',
    content: { ru: { text: '{{patient.salutation}}!' }, en: { text: '{{patient.salutation}},' } },
  },
  {
    key: 'footer.advertising',
    kind: 'legal_footer',
    content: {
      ru: {
        text: `${WARNING_RU}\n\nРеклама. {{clinic.name}}, {{clinic.postal_address}}. Отписаться от рассылки: {{unsubscribe_url}}`,
        sms: `${WARNING_RU} Отказ: {{preferences_url}}`,
        messenger: `${WARNING_RU}\n\nРеклама. Отписаться: {{preferences_url}}`,
      },
      en: {
        text: `${WARNING_EN}\n\nAdvertisement. {{clinic.name}}, {{clinic.postal_address}}. Unsubscribe: {{unsubscribe_url}}`,
        sms: `${WARNING_EN} Opt out: {{preferences_url}}`,
        messenger: `${WARNING_EN}\n\nAdvertisement. Unsubscribe: {{preferences_url}}`,
      },
    },
  },
  {
    key: 'footer.service',
    kind: 'legal_footer',
    content: {
      ru: {
        text: '{{clinic.name}}, {{clinic.phone}}. Настройки уведомлений: {{preferences_url}}',
        sms: '{{clinic.name}}, {{clinic.phone}}',
      },
      en: {
        text: '{{clinic.name}}, {{clinic.phone}}. Notification settings: {{preferences_url}}',
        sms: '{{clinic.name}}, {{clinic.phone}}',
      },
    },
  },
  {
    key: 'cta.book',
    kind: 'call_to_action',
    url: '{{booking_url}}',
    content: { ru: { text: 'Записаться онлайн' }, en: { text: 'Book online' } },
  },
  {
    key: 'cta.survey',
    kind: 'call_to_action',
    url: '{{survey_url}}',
    content: { ru: { text: 'Оценить визит' }, en: { text: 'Rate your visit' } },
  },
  {
    key: 'recall.body',
    kind: 'body',
    content: {
      ru: {
        text: 'С последнего визита в {{clinic.name}} прошло несколько месяцев. Самое время запланировать профилактический осмотр.',
      },
      en: {
        text: 'It has been a few months since your last visit to {{clinic.name}}. It is a good time to plan a check-up.',
      },
    },
  },
  {
    key: 'birthday.body',
    kind: 'body',
    content: {
      ru: { text: 'Поздравляем с днём рождения! Желаем здоровья и отличного настроения.' },
      en: { text: 'Happy birthday! We wish you good health and a great year ahead.' },
    },
  },
  {
    key: 'birthday.offer',
    kind: 'offer',
    content: {
      ru: { text: 'В подарок — скидка 10 % на любую консультацию в течение месяца.' },
      en: { text: 'Our gift: 10% off any consultation this month.' },
    },
  },
  {
    key: 'screening.body',
    kind: 'body',
    content: {
      ru: {
        text: 'Приглашаем пройти плановое профилактическое обследование, рекомендованное для вашей возрастной группы. Подробности — по ссылке после входа.',
        sms: 'Приглашаем на плановое профилактическое обследование. Подробности по ссылке.',
      },
      en: {
        text: 'We invite you to a routine preventive check recommended for your age group. Details are behind the link after signing in.',
        sms: 'We invite you to a routine preventive check. Details at the link.',
      },
    },
  },
  {
    key: 'cross_sell.body',
    kind: 'body',
    content: {
      ru: {
        text: 'После недавнего визита в клинику рекомендуем запланировать следующий шаг наблюдения. Подробности — по ссылке после входа.',
        sms: 'Рекомендуем запланировать следующий визит. Подробности по ссылке.',
      },
      en: {
        text: 'After your recent visit we suggest planning the next step of your follow-up. Details are behind the link after signing in.',
        sms: 'We suggest planning your next visit. Details at the link.',
      },
    },
  },
  {
    key: 'schedule_gap.body',
    kind: 'body',
    content: {
      ru: {
        text: 'Освободилось время для приёма: {{slot.date}} в {{slot.time}}, {{slot.branch}}. Успейте записаться — время достанется первому.',
      },
      en: {
        text: 'A free appointment time: {{slot.date}} at {{slot.time}}, {{slot.branch}}. First come, first served.',
      },
    },
  },
  {
    key: 'announcement.body',
    kind: 'body',
    content: {
      ru: { text: 'В {{clinic.name}} новое направление и новые специалисты. Будем рады видеть вас.' },
      en: {
        text: 'There is a new service and new doctors at {{clinic.name}}. We look forward to seeing you.',
      },
    },
  },
  {
    key: 'feedback.body',
    kind: 'body',
    content: {
      ru: { text: 'Спасибо, что выбрали {{clinic.name}}. Оцените, пожалуйста, визит — это займёт минуту.' },
      en: { text: 'Thank you for choosing {{clinic.name}}. Please rate your visit; it takes a minute.' },
    },
  },
  {
    key: 'reminder.body',
    kind: 'body',
    content: {
      ru: {
        text: 'Напоминаем о записи: {{slot.date}} в {{slot.time}}, {{slot.branch}}, врач {{slot.doctor}}.',
        sms: 'Напоминаем о записи: {{slot.date}} в {{slot.time}}, {{slot.branch}}.',
        messenger: 'Напоминаем о записи: {{slot.date}} в {{slot.time}}, {{slot.branch}}.',
      },
      en: {
        text: 'A reminder of your appointment: {{slot.date}} at {{slot.time}}, {{slot.branch}}, with {{slot.doctor}}.',
        sms: 'Appointment reminder: {{slot.date}} at {{slot.time}}, {{slot.branch}}.',
        messenger: 'Appointment reminder: {{slot.date}} at {{slot.time}}, {{slot.branch}}.',
      },
    },
  },
  {
    key: 'stop.confirmation.body',
    kind: 'body',
    content: {
      ru: { text: 'Вы отписаны от рекламных сообщений {{clinic.name}}.' },
      en: { text: 'You are unsubscribed from {{clinic.name}} advertising.' },
    },
  },
];

const AD = ['greeting.formal'];
export const PLAYBOOK_TEMPLATES: readonly TemplateSeed[] = [
  {
    key: 'recall',
    name: 'Приглашение на повторный визит / Recall',
    purpose: 'advertising',
    kind: 'standard',
    blocks: [...AD, 'recall.body', 'cta.book', 'footer.advertising'],
    subject: { ru: 'Пора запланировать визит', en: 'Time to plan your visit' },
    preheader: { ru: 'Запишитесь онлайн в удобное время', en: 'Book online at a time that suits you' },
  },
  {
    key: 'birthday',
    name: 'День рождения с подарком / Birthday offer',
    purpose: 'advertising',
    kind: 'standard',
    blocks: [...AD, 'birthday.body', 'birthday.offer', 'cta.book', 'footer.advertising'],
    subject: { ru: 'С днём рождения!', en: 'Happy birthday!' },
    preheader: { ru: 'Подарок от клиники внутри', en: 'A gift from the clinic inside' },
  },
  {
    key: 'screening.mammography',
    name: 'Скрининг для женщин 40+ / Screening 40+',
    purpose: 'advertising',
    kind: 'standard',
    blocks: [...AD, 'screening.body', 'cta.book', 'footer.advertising'],
    subject: { ru: 'Приглашение на плановое обследование', en: 'An invitation to a routine check' },
    preheader: { ru: 'Запишитесь онлайн', en: 'Book online' },
  },
  {
    key: 'cross_sell.ecg',
    name: 'Следующий шаг после визита (ЭКГ) / Follow-up step',
    purpose: 'advertising',
    kind: 'standard',
    blocks: [...AD, 'cross_sell.body', 'cta.book', 'footer.advertising'],
    subject: { ru: 'Следующий шаг после визита', en: 'Your next step after the visit' },
    preheader: { ru: 'Запишитесь онлайн', en: 'Book online' },
  },
  {
    key: 'schedule_gap',
    name: 'Свободное время приёма / Free slot',
    purpose: 'advertising',
    kind: 'standard',
    blocks: [...AD, 'schedule_gap.body', 'cta.book', 'footer.advertising'],
    subject: { ru: 'Освободилось время для приёма', en: 'A free appointment time' },
    preheader: { ru: 'Время достанется первому', en: 'First come, first served' },
  },
  {
    key: 'announcement',
    name: 'Новое направление или врач / Announcement',
    purpose: 'advertising',
    kind: 'standard',
    blocks: [...AD, 'announcement.body', 'cta.book', 'footer.advertising'],
    subject: { ru: 'Новости клиники', en: 'News from the clinic' },
    preheader: { ru: 'Новое направление и специалисты', en: 'A new service and new doctors' },
  },
  {
    key: 'feedback.nps',
    name: 'Оценка визита (NPS/CSAT) / Visit survey',
    purpose: 'service',
    kind: 'feedback',
    blocks: [...AD, 'feedback.body', 'cta.survey', 'footer.service'],
    subject: { ru: 'Как прошёл визит?', en: 'How was your visit?' },
    preheader: { ru: 'Одна минута на оценку', en: 'One minute to rate it' },
  },
  {
    key: 'reminder.appointment',
    name: 'Напоминание о записи / Appointment reminder',
    purpose: 'care',
    kind: 'standard',
    blocks: [...AD, 'reminder.body', 'footer.service'],
    subject: { ru: 'Напоминание о записи', en: 'Appointment reminder' },
    preheader: { ru: '{{slot.date}} в {{slot.time}}', en: '{{slot.date}} at {{slot.time}}' },
  },
  {
    key: 'stop.confirmation',
    name: 'Подтверждение отписки (СТОП) / Unsubscribe confirmation (STOP)',
    purpose: 'service',
    kind: 'standard',
    // Only the confirmation: no greeting, no offer, no link — nothing else after STOP (R22).
    blocks: ['stop.confirmation.body'],
    medical: false,
    subject: { ru: 'Вы отписаны от рекламы', en: 'You are unsubscribed' },
    preheader: { ru: 'Рекламных сообщений больше не будет', en: 'No more advertising messages' },
  },
];

const variants = (t: TemplateSeed): Variant[] =>
  (['ru', 'en'] as const).flatMap((language): Variant[] => [
    { channel: 'sms', language },
    { channel: 'email', language, subject: t.subject[language], preheader: t.preheader[language] },
    { channel: 'messenger', language },
  ]);

export interface SeededTemplate {
  readonly key: PlaybookTemplateKey;
  readonly templateId: string;
  readonly version: number;
}

/**
 * Writes the playbook library for a tenant: authored by `author` (a marketer), submitted, and
 * approved by `approver` (an owner) through the same workflow and linter as any template.
 * Idempotent: blocks and templates already present under their keys are kept as they are.
 */
export async function seedPlaybookContent(
  tx: Tx,
  clock: Clock,
  author: Scope,
  approver: Scope,
): Promise<SeededTemplate[]> {
  const refs = new Map<string, BlockRef>();
  for (const b of PLAYBOOK_BLOCKS) {
    const block = (await findBlock(tx, b.key)) ?? (await createBlock(tx, clock, author, b));
    refs.set(b.key, { blockId: block.id, version: block.version });
  }
  const out: SeededTemplate[] = [];
  const existing = await approvedVersions(
    tx,
    PLAYBOOK_TEMPLATES.map((t) => t.key),
  );
  for (const t of PLAYBOOK_TEMPLATES) {
    const approved = existing.find((e) => e.key === t.key);
    if (approved) {
      out.push({ key: t.key, templateId: approved.templateId, version: approved.version });
      continue;
    }
    const head = await findTemplate(tx, t.key);
    if (head) {
      // A clinic's own edit under a playbook key is left alone.
      out.push({ key: t.key, templateId: head.id, version: await latestVersionNo(tx, head.id) });
      continue;
    }
    const v = await createTemplate(tx, clock, author, {
      key: t.key,
      sendPurpose: PLAYBOOK_SEND_PURPOSES[t.key],
      content: {
        name: t.name,
        purpose: t.purpose,
        kind: t.kind,
        medical: t.medical ?? true,
        blocks: t.blocks.map((k) => refs.get(k) as BlockRef),
        variants: variants(t),
      },
    });
    await moveVersion(tx, clock, author, v.templateId, v.version, 'in_review');
    await moveVersion(tx, clock, approver, v.templateId, v.version, 'approved');
    out.push({ key: t.key, templateId: v.templateId, version: v.version });
  }
  return out;
}
