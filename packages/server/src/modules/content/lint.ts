import type { DataClass, Jurisdiction } from '@careloop/contracts';
import { type ClaimKind, detectClaims } from './claims.ts';
import { inlineText } from './email-layout.ts';
import {
  CONTENT_CHANNELS,
  contentFingerprint,
  PURPOSE_CLASSES,
  type PurposeClass,
  type ResolvedTemplate,
  type ValueBag,
  type Variant,
  variantKey,
} from './model.ts';
import {
  lockScreenTexts,
  type RenderError,
  renderVariantParts,
  shapeMessage,
  variantFields,
} from './render.ts';
import { defaultSensitiveMatcher, type SensitiveMatcher } from './sensitive.ts';
import { isTokenName, parseTemplate, tokenSpec } from './tokens.ts';
import { AD_DISCLOSURE, promotional, US_POSTAL_ADDRESS, warningShare } from './wording.ts';

/**
 * The compliance linter (R13–R16, R18, R21). It renders every variant with sample values and
 * checks what a recipient would see. `STRUCTURE` findings are the template problems that make
 * it unrenderable (unknown tokens, missing language text…): they block approval like the rest.
 */

export const LINT_RULES = ['R13', 'R14', 'R15', 'R16', 'R18', 'R21', 'STRUCTURE'] as const;
export type LintRule = (typeof LINT_RULES)[number];

export interface Finding {
  readonly rule: LintRule;
  readonly severity: 'error' | 'warning';
  /** Where: `purpose`, `sms.ru.text`, `email.en.subject`, `email.ru.block:offer-1`… */
  readonly field: string;
  readonly message_ru: string;
  readonly message_en: string;
}

export interface LintOptions {
  /** The tenant's jurisdiction profiles; every rule of each applies (strictest wins, R57). */
  readonly jurisdictions: readonly Jurisdiction[];
  readonly sensitive?: SensitiveMatcher;
  /** Values to render previews with; realistic defaults otherwise. */
  readonly sampleValues?: ValueBag;
  /** When given, tokens needing other classes are reported (the send purpose's allow-list). */
  readonly allowedClasses?: ReadonlySet<DataClass>;
}

export interface LintReport {
  readonly templateId: string;
  readonly version: number;
  readonly fingerprint: string;
  /** The purpose the content must be sent under: `advertising` when R13 forces it. */
  readonly purpose: PurposeClass;
  readonly findings: readonly Finding[];
}

export const SAMPLE_VALUES: ValueBag = {
  patient: { firstName: 'Анна', patronymic: 'Петровна', lastName: 'Иванова', sex: 'female' },
  clinic: {
    name: 'Клиника «Здоровье»',
    phone: '+7 495 000-00-00',
    postalAddress: '1 Main St, Springfield, IL 62701',
  },
  slot: {
    date: '12.03.2027',
    time: '10:30',
    branch: 'Тверская, 1',
    doctor: 'Смирнов А. В.',
    specialty: 'Терапевт',
  },
  links: {
    unsubscribe: 'https://clinic.example/u/3f9a1c7e2b',
    preferences: 'https://clinic.example/p/3f9a1c7e2b',
    booking: 'https://clinic.example/b/3f9a1c7e2b',
    survey: 'https://clinic.example/s/3f9a1c7e2b',
  },
  loyalty: { points: '500' },
};

const finding = (
  rule: LintRule,
  severity: Finding['severity'],
  field: string,
  ru: string,
  en: string,
): Finding => ({
  rule,
  severity,
  field,
  message_ru: ru,
  message_en: en,
});

const structure = (e: RenderError): Finding => {
  const field = e.field ?? 'template';
  const detail = 'token' in e && e.token ? ` (${e.token})` : '';
  const [ru, en] = ((): [string, string] => {
    switch (e.code) {
      case 'TOKEN_SYNTAX':
        return ['Ошибка в фигурных скобках подстановки', 'Malformed token braces'];
      case 'TOKEN_UNKNOWN':
        return ['Неизвестная подстановка', 'Unknown token'];
      case 'TOKEN_FILTER_INVALID':
        return ['Недопустимый модификатор подстановки', 'Invalid token modifier'];
      case 'TOKEN_CLASS_NOT_ALLOWED':
        return [
          `Цель отправки не допускает данные класса ${e.dataClass}`,
          `The purpose does not allow ${e.dataClass} data`,
        ];
      case 'BLOCK_TEXT_MISSING':
        return [`У блока нет текста на языке ${e.language}`, `The block has no ${e.language} text`];
      case 'UNSAFE_URL':
        return ['Ссылка должна быть https, mailto или tel', 'A link must be https, mailto or tel'];
      case 'EMPTY_MESSAGE':
        return ['Вариант не содержит текста', 'The variant renders no text'];
      default:
        return [`Шаблон не отрисовывается: ${e.code}`, `The template does not render: ${e.code}`];
    }
  })();
  return finding('STRUCTURE', 'error', field, ru + detail, en + detail);
};

const CLAIM_MESSAGES: Readonly<Record<ClaimKind, [string, string]>> = {
  implies_condition: [
    'Утверждение или предположение о наличии у получателя заболевания',
    'States or implies that the recipient has a disease or disorder',
  ],
  cure_case: ['Ссылка на конкретные случаи излечения', 'Cites specific cases of cure'],
  testimonial: ['Благодарности или отзывы пациентов', 'Patient gratitude or testimonials'],
  research_reference: [
    'Преимущества через ссылку на исследования',
    'Claims advantages by reference to research',
  ],
};

const tokensOf = (source: string): string[] =>
  parseTemplate(source).segments.flatMap((s) => (s.kind === 'token' ? [s.name] : []));

const revealsHealth = (source: string): boolean =>
  tokensOf(source).some(
    (t) => isTokenName(t) && tokenSpec(t).classes.some((c) => c === 'visit_clinical' || c === 'clinical'),
  );

const isLockScreenField = (v: Variant, path: string): boolean =>
  v.channel !== 'email' || path.endsWith('.subject') || path.endsWith('.preheader');

export const lintTemplate = (template: ResolvedTemplate, options: LintOptions): LintReport => {
  const { version } = template;
  const content = version.content;
  const findings: Finding[] = [];
  const has = (j: Jurisdiction): boolean => options.jurisdictions.includes(j);
  const values = options.sampleValues ?? SAMPLE_VALUES;
  const matcher = options.sensitive ?? defaultSensitiveMatcher();

  // R13: exactly one purpose, and an offer makes any message advertising.
  if (!(PURPOSE_CLASSES as readonly string[]).includes(content.purpose)) {
    findings.push(
      finding(
        'R13',
        'error',
        'purpose',
        'Укажите одну цель: service, care или advertising',
        'Set exactly one purpose',
      ),
    );
  }
  let purpose: PurposeClass = content.purpose;
  if (content.purpose !== 'advertising') {
    const offer = template.blocks.some((b) => b.kind === 'offer');
    const texts = content.variants.flatMap((v) => variantFields(template, v).fields.map((f) => f.source));
    const promo = texts.map((t) => promotional(t, content.kind === 'loyalty')).find((m) => m !== undefined);
    if (offer || promo) {
      purpose = 'advertising';
      const [ru, en] = offer ? ['блок предложения', 'an offer block'] : [`«${promo}»`, `"${promo}"`];
      findings.push(
        finding(
          'R13',
          'error',
          'purpose',
          `Шаблон содержит предложение (${ru}) и должен иметь цель «advertising»`,
          `The template contains an offer (${en}) and must be classified as advertising`,
        ),
      );
    }
  }

  const seen = new Set<string>();
  if (content.variants.length === 0) {
    findings.push(
      finding('STRUCTURE', 'error', 'variants', 'Нет ни одного варианта', 'The template has no variants'),
    );
  }
  for (const v of content.variants) {
    const key = variantKey(v);
    if (!(CONTENT_CHANNELS as readonly string[]).includes(v.channel) || seen.has(key)) {
      findings.push(
        finding(
          'STRUCTURE',
          'error',
          key,
          'Повторный или неизвестный вариант',
          'Duplicate or unknown variant',
        ),
      );
      continue;
    }
    seen.add(key);
    const { fields } = variantFields(template, v);

    // R16: no health-revealing tokens where a lock screen shows them.
    for (const f of fields) {
      if (isLockScreenField(v, f.path) && revealsHealth(f.source)) {
        findings.push(
          finding(
            'R16',
            'error',
            f.path,
            'Подстановка раскрывает специальность или диагноз в тексте, видимом на экране блокировки',
            'A token reveals a specialty or diagnosis in lock-screen-visible text',
          ),
        );
      }
    }

    const bodyPath = `${key}.${v.channel === 'email' ? 'body' : 'text'}`;
    const bodyFields = v.channel === 'email' ? fields.filter((f) => !isLockScreenField(v, f.path)) : fields;
    if (purpose === 'advertising') {
      if (v.channel === 'email' && !bodyFields.some((f) => tokensOf(f.source).includes('unsubscribe_url'))) {
        findings.push(
          finding(
            'R18',
            'error',
            bodyPath,
            'Рекламное письмо должно содержать {{unsubscribe_url}} в тексте',
            'An advertising e-mail must contain {{unsubscribe_url}} in its body',
          ),
        );
      }
    }

    const rendered = renderVariantParts(template, v, values, options.allowedClasses);
    if (!rendered.ok) {
      findings.push(...rendered.errors.map(structure));
      continue;
    }
    const message = shapeMessage(v, rendered.parts);

    for (const { field, text } of lockScreenTexts(message, v.language)) {
      const terms = new Set<string>();
      for (const hit of matcher.scan(text)) {
        const label = hit.match.toLowerCase();
        if (terms.has(label)) continue;
        terms.add(label);
        const [ru, en] =
          hit.category === 'result_notice'
            ? ['Упоминание результатов обследования', 'Mentions test results']
            : hit.category === 'term'
              ? ['Чувствительный медицинский термин', 'Sensitive medical term']
              : ['Диагноз или результат', 'A diagnosis or result'];
        findings.push(
          finding(
            'R16',
            hit.severity,
            field,
            `${ru} на экране блокировки: «${hit.match}»`,
            `${en} on the lock screen: "${hit.match}"`,
          ),
        );
      }
    }

    if (purpose !== 'advertising') continue;
    const bodyText =
      message.channel === 'sms'
        ? message.sms.text
        : message.channel === 'messenger'
          ? message.messenger.text
          : message.email.text;

    if (content.medical && has('RU')) {
      const share = warningShare(bodyText, v.language === 'en');
      if (share === undefined) {
        findings.push(
          finding(
            'R14',
            'error',
            bodyPath,
            'Нет предупреждения «Имеются противопоказания. Необходима консультация специалиста»',
            'The warning «Имеются противопоказания. Необходима консультация специалиста» is missing',
          ),
        );
      } else if (share < 0.05) {
        const pct = (share * 100).toFixed(1);
        findings.push(
          finding(
            'R14',
            'error',
            bodyPath,
            `Предупреждение занимает ${pct} % текста, нужно не меньше 5 %`,
            `The warning takes ${pct} % of the text; at least 5 % is required`,
          ),
        );
      }
    }

    if (content.medical && (has('RU') || has('EU'))) {
      const texts =
        message.channel === 'email'
          ? [
              { field: `${key}.subject`, text: message.email.subject },
              { field: `${key}.preheader`, text: message.email.preheader },
              { field: bodyPath, text: message.email.text },
            ]
          : [{ field: bodyPath, text: bodyText }];
      for (const { field, text } of texts) {
        for (const hit of detectClaims(text)) {
          const [ru, en] = CLAIM_MESSAGES[hit.kind];
          findings.push(
            finding('R15', 'error', field, `${ru}: «${hit.sentence}»`, `${en}: "${hit.sentence}"`),
          );
        }
      }
    }

    if (has('US') && message.channel === 'email') {
      const address =
        bodyFields.some((f) => tokensOf(f.source).includes('clinic.postal_address')) ||
        US_POSTAL_ADDRESS.test(
          rendered.parts.blocks.map((b) => b.paragraphs.map(inlineText).join(' ')).join(' '),
        );
      if (!address) {
        findings.push(
          finding(
            'R21',
            'error',
            bodyPath,
            'Коммерческое письмо (США) должно содержать почтовый адрес: {{clinic.postal_address}}',
            'A US commercial e-mail must include a postal address: {{clinic.postal_address}}',
          ),
        );
      }
      if (!AD_DISCLOSURE.test(message.email.text)) {
        findings.push(
          finding(
            'R21',
            'error',
            bodyPath,
            'Коммерческое письмо (США) должно явно называть себя рекламой',
            'A US commercial e-mail must clearly say it is an advertisement',
          ),
        );
      }
    }
  }

  return {
    templateId: version.templateId,
    version: version.version,
    fingerprint: contentFingerprint(content),
    purpose,
    findings,
  };
};

export const hasErrors = (report: LintReport): boolean => report.findings.some((f) => f.severity === 'error');
