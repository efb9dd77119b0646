import type { DataClass, ErrorDetail, Jurisdiction, Language, Purpose } from '@careloop/contracts';
import { type Finding, lintTemplate, SAMPLE_VALUES } from './lint.ts';
import {
  BLOCK_KINDS,
  type BlockKind,
  type BlockText,
  CONTENT_CHANNELS,
  type ContentChannel,
  findVariant,
  type PurposeClass,
  purposeClassOf,
  type ResolvedTemplate,
  type TemplateKind,
  type ValueBag,
  type Variant,
} from './model.ts';
import {
  type RenderError,
  type RenderedMessage,
  render,
  renderVariantParts,
  shapeMessage,
} from './render.ts';
import { smsInfo } from './sms.ts';
import { checkTokens, parseTemplate } from './tokens.ts';

/**
 * A template version as an editor holds it: the blocks' texts inline instead of pinned
 * references. Checking one is pure — the linter and the renderer run on it as they run on a
 * stored version, with sample values — so the editor shows findings and SMS parts while the
 * author types, and nothing is written until the author saves.
 */

export type BlockTexts = Readonly<Partial<Record<Language, BlockText>>>;

export interface DraftBlock {
  /** The stored block (and version) the text was loaded from; absent for a new block. */
  readonly blockId?: string;
  readonly version?: number;
  readonly kind: BlockKind;
  readonly content: BlockTexts;
  readonly url?: string;
}

export interface TemplateDraft {
  readonly name: string;
  readonly purpose: PurposeClass;
  readonly kind: TemplateKind;
  readonly medical: boolean;
  readonly blocks: readonly DraftBlock[];
  readonly variants: readonly Variant[];
}

/** How a finding names a draft's block: by position, `sms.ru.block:b0`. */
export const draftBlockId = (index: number): string => `b${index}`;

/** Every text of a block, with a path for error details. */
const blockTexts = (content: BlockTexts, url?: string): { field: string; source: string }[] => {
  const out: { field: string; source: string }[] = [];
  for (const [lang, t] of Object.entries(content)) {
    if (!t) continue;
    out.push({ field: `content.${lang}.text`, source: t.text });
    for (const ch of CONTENT_CHANNELS) {
      const o = t[ch];
      if (typeof o === 'string') out.push({ field: `content.${lang}.${ch}`, source: o });
    }
  }
  if (url !== undefined) out.push({ field: 'url', source: url });
  return out;
};

/** Token syntax, unknown tokens and filters; with `allowed`, classes outside the purpose too. */
export const tokenDetails = (
  fields: readonly { field: string; source: string }[],
  allowed: ReadonlySet<DataClass> | undefined,
): ErrorDetail[] =>
  fields.flatMap(({ field, source }) => {
    const parsed = parseTemplate(source);
    return [...parsed.problems, ...checkTokens(parsed.segments, allowed)].map((p) => ({
      field,
      issue: 'token' in p ? `${p.code}:${p.token}` : p.code,
    }));
  });

/** What makes a block unsavable apart from its tokens: its kind, its languages, a link where none goes. */
const blockShapeProblems = (kind: string, content: BlockTexts, url?: string): ErrorDetail[] => {
  if (!(BLOCK_KINDS as readonly string[]).includes(kind)) return [{ field: 'kind', issue: 'unknown' }];
  const out: ErrorDetail[] = [];
  if (Object.keys(content).length === 0 || Object.keys(content).some((l) => l !== 'ru' && l !== 'en'))
    out.push({ field: 'content', issue: 'languages' });
  if (url !== undefined && kind !== 'call_to_action') out.push({ field: 'url', issue: 'not_allowed' });
  return out;
};

/** Every reason a block cannot be saved; empty when it can. */
export const blockProblems = (kind: string, content: BlockTexts, url?: string): ErrorDetail[] => {
  const shape = blockShapeProblems(kind, content, url);
  return shape.length ? shape : tokenDetails(blockTexts(content, url), undefined);
};

/** The draft as the core's resolved template, its blocks named by position. */
export const resolveDraft = (draft: TemplateDraft, templateId = 'draft', version = 1): ResolvedTemplate => ({
  version: {
    templateId,
    version,
    state: 'draft',
    authorId: '',
    content: {
      name: draft.name,
      purpose: draft.purpose,
      kind: draft.kind,
      medical: draft.medical,
      blocks: draft.blocks.map((_, i) => ({ blockId: draftBlockId(i), version: 1 })),
      variants: draft.variants,
    },
  },
  blocks: draft.blocks.map((b, i) => ({
    id: draftBlockId(i),
    version: 1,
    kind: b.kind,
    content: b.content,
    ...(b.url !== undefined ? { url: b.url } : {}),
  })),
});

export interface SmsFigures {
  readonly characters: number;
  readonly units: number;
  readonly parts: number;
  readonly perPart: number;
  readonly encoding: string;
}

export interface VariantPreview {
  readonly channel: ContentChannel;
  readonly language: Language;
  readonly message: RenderedMessage | null;
  /** SMS length as the network counts it: Cyrillic forces UCS-2 (70 / 67 per part). */
  readonly sms: SmsFigures | null;
  readonly errors: readonly RenderError[];
}

/** One variant rendered for a person to read, never for sending: the purpose's classes bound the tokens. */
export const previewVariant = (
  template: ResolvedTemplate,
  req: {
    readonly channel: ContentChannel;
    readonly language: Language;
    readonly purpose: Purpose;
    readonly allowedClasses: ReadonlySet<DataClass>;
    readonly values: ValueBag;
  },
): VariantPreview => {
  const r = render({ template, ...req, mode: 'preview' });
  const info = r.ok && r.message.channel === 'sms' ? smsInfo(r.message.sms.text) : null;
  return {
    channel: req.channel,
    language: req.language,
    message: r.ok ? r.message : null,
    sms: info
      ? {
          characters: info.characters,
          units: info.units,
          parts: info.parts,
          perPart: info.perPart,
          encoding: info.encoding,
        }
      : null,
    errors: r.ok ? [] : r.errors,
  };
};

export interface DraftCheck {
  /** The purpose class the content must be sent under (`advertising` when an offer forces it, R13). */
  readonly purpose: PurposeClass;
  readonly findings: readonly Finding[];
  readonly previews: readonly VariantPreview[];
}

const structure = (field: string, ru: string, en: string): Finding => ({
  rule: 'STRUCTURE',
  severity: 'error',
  field,
  message_ru: ru,
  message_en: en,
});

const SHAPE_MESSAGES: Readonly<Record<string, [string, string]>> = {
  languages: ['У блока нет текста', 'The block has no text'],
  not_allowed: ['Ссылка допустима только в призыве к действию', 'Only a call to action carries a link'],
  unknown: ['Неизвестный вид блока', 'Unknown block kind'],
};

const QUOTED = /: «(.*)»$/s;
const BODY_FIELD = /^(sms|email|messenger)\.(ru|en)\.(?:text|body)$/;
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * The linter judges what a recipient reads, so a claim (R15) or a sensitive term (R16) names the
 * variant's body. An editor needs the block that says it: when exactly one block's own text, as
 * rendered, contains the words the finding quotes, the finding names that block instead.
 */
const attribute = (template: ResolvedTemplate, f: Finding): Finding => {
  const m = BODY_FIELD.exec(f.field);
  const quote = QUOTED.exec(f.message_ru)?.[1];
  if (!m || !quote) return f;
  const [, channel, language] = m as unknown as [string, ContentChannel, Language];
  const variant = findVariant(template.version.content, channel, language);
  if (!variant) return f;
  const hits = template.blocks.flatMap((block, i) => {
    const r = renderVariantParts(
      { version: template.version, blocks: [block] },
      variant,
      SAMPLE_VALUES,
      undefined,
    );
    if (!r.ok) return [];
    const msg = shapeMessage(variant, r.parts);
    const text =
      msg.channel === 'sms'
        ? msg.sms.text
        : msg.channel === 'messenger'
          ? msg.messenger.text
          : msg.email.text;
    return squash(text).includes(squash(quote)) ? [i] : [];
  });
  return hits.length === 1 ? { ...f, field: `${channel}.${language}.block:${draftBlockId(hits[0]!)}` } : f;
};

/**
 * The linter's findings on a draft under the purpose it will be sent with, plus what would stop it
 * being saved, and every variant rendered with sample values. Findings that quote a block's words
 * name that block.
 */
export const checkDraft = (
  draft: TemplateDraft,
  opts: {
    readonly sendPurpose: Purpose;
    readonly jurisdictions: readonly Jurisdiction[];
    readonly allowedClasses: ReadonlySet<DataClass>;
    readonly clinicName: string;
  },
): DraftCheck => {
  const template = resolveDraft(draft);
  const findings: Finding[] = [];
  const cls = purposeClassOf(opts.sendPurpose);
  if (cls !== draft.purpose) {
    findings.push({
      rule: 'R13',
      severity: 'error',
      field: 'purpose',
      message_ru: `Цель отправки ${opts.sendPurpose} требует шаблона класса «${cls ?? '—'}»`,
      message_en: `The send purpose ${opts.sendPurpose} sends ${cls ?? 'no'} templates`,
    });
  }
  draft.blocks.forEach((b, i) => {
    for (const p of blockShapeProblems(b.kind, b.content, b.url)) {
      const [ru, en] = SHAPE_MESSAGES[p.issue] ?? [p.issue, p.issue];
      findings.push(structure(`block:${draftBlockId(i)}${p.field === 'url' ? '.url' : ''}`, ru, en));
    }
  });
  const lint = lintTemplate(template, {
    jurisdictions: opts.jurisdictions,
    allowedClasses: opts.allowedClasses,
  });
  findings.push(...lint.findings.map((f) => attribute(template, f)));
  const values: ValueBag = { ...SAMPLE_VALUES, clinic: { ...SAMPLE_VALUES.clinic, name: opts.clinicName } };
  const previews = draft.variants.map((v) =>
    previewVariant(template, {
      channel: v.channel,
      language: v.language,
      purpose: opts.sendPurpose,
      allowedClasses: opts.allowedClasses,
      values,
    }),
  );
  return { purpose: lint.purpose, findings, previews };
};
