import type { DataClass, Language, Purpose } from '@careloop/contracts';
import {
  ctaText,
  emailHtml,
  emailText,
  type Inline,
  inlineText,
  type RenderedBlock,
} from './email-layout.ts';
import {
  type ApprovalState,
  type ContentBlock,
  type ContentChannel,
  findVariant,
  type PurposeClass,
  purposeClassOf,
  type ResolvedTemplate,
  type ValueBag,
  type Variant,
} from './model.ts';
import { defaultSensitiveMatcher, type SensitiveCategory, type SensitiveMatcher } from './sensitive.ts';
import { type SmsEncoding, smsInfo } from './sms.ts';
import {
  checkTokens,
  isTokenName,
  parseTemplate,
  type Segment,
  type TokenProblem,
  tokenSpec,
} from './tokens.ts';

/**
 * Rendering: a template version, a channel and language, the purpose it is sent under, the
 * data classes that purpose allows, and one recipient's values → the message. Anything wrong
 * is a typed error, never an empty or partial message: a token whose class the purpose does not
 * allow refuses the whole render before any value is read.
 */

export type RenderError = (
  | TokenProblem
  | { readonly code: 'NOT_SENDABLE'; readonly state: ApprovalState }
  | { readonly code: 'PURPOSE_NOT_MESSAGING'; readonly purpose: Purpose }
  | { readonly code: 'PURPOSE_MISMATCH'; readonly purpose: Purpose; readonly templatePurpose: PurposeClass }
  | { readonly code: 'VARIANT_MISSING'; readonly channel: ContentChannel; readonly language: Language }
  | { readonly code: 'BLOCK_TEXT_MISSING'; readonly blockId: string; readonly language: Language }
  | { readonly code: 'VALUE_MISSING'; readonly token: string }
  | { readonly code: 'UNSAFE_URL'; readonly token?: string }
  | { readonly code: 'SENSITIVE_CONTENT'; readonly category: SensitiveCategory }
  | { readonly code: 'EMPTY_MESSAGE' }
) & { readonly field?: string };

export type RenderedMessage =
  | {
      readonly channel: 'sms';
      readonly sms: { readonly text: string; readonly encoding: SmsEncoding; readonly parts: number };
    }
  | {
      readonly channel: 'email';
      readonly email: {
        readonly subject: string;
        readonly preheader: string;
        readonly html: string;
        readonly text: string;
      };
    }
  | { readonly channel: 'messenger'; readonly messenger: { readonly text: string } };

export type RenderResult =
  | {
      readonly ok: true;
      readonly message: RenderedMessage;
      /** The data classes its filled-in tokens reveal: what the channel's processor receives (R58). */
      readonly disclosed: readonly DataClass[];
    }
  | { readonly ok: false; readonly errors: readonly RenderError[] };

export interface RenderRequest {
  readonly template: ResolvedTemplate;
  readonly channel: ContentChannel;
  readonly language: Language;
  readonly purpose: Purpose;
  readonly allowedClasses: ReadonlySet<DataClass>;
  readonly values: ValueBag;
  /** `send` (the default) refuses unapproved versions and sensitive lock-screen text (R16). */
  readonly mode?: 'send' | 'preview';
  /** The tenant's sensitive terms; the defaults otherwise. */
  readonly sensitive?: SensitiveMatcher;
}

/** A piece of template text with where it lives, for errors and lint findings. */
interface Field {
  readonly path: string;
  readonly source: string;
}

interface PlannedBlock {
  readonly block: ContentBlock;
  readonly text: Field;
  readonly url?: Field;
}

/** Which text each block contributes to a channel; `null` overrides leave a block out. */
const planBlocks = (
  blocks: readonly ContentBlock[],
  v: Variant,
): { planned: PlannedBlock[]; errors: RenderError[] } => {
  const planned: PlannedBlock[] = [];
  const errors: RenderError[] = [];
  for (const block of blocks) {
    const content = block.content[v.language];
    if (!content) {
      errors.push({ code: 'BLOCK_TEXT_MISSING', blockId: block.id, language: v.language });
      continue;
    }
    const override = content[v.channel];
    if (override === null) continue;
    const path = `${v.channel}.${v.language}.block:${block.id}`;
    planned.push({
      block,
      text: { path, source: override ?? content.text },
      ...(block.kind === 'call_to_action' && block.url !== undefined
        ? { url: { path: `${path}.url`, source: block.url } }
        : {}),
    });
  }
  return { planned, errors };
};

const SAFE_URL = /^(?:https?:\/\/[^\s<>"']+|mailto:[^\s<>"']+|tel:\+?[\d\s()-]+)$/i;

type Resolved = { ok: true; pieces: Inline[] } | { ok: false; errors: RenderError[] };

const resolveSegments = (
  segments: readonly Segment[],
  values: ValueBag,
  lang: Language,
  path: string,
): Resolved => {
  const pieces: Inline[] = [];
  const errors: RenderError[] = [];
  for (const s of segments) {
    if (s.kind === 'text') {
      pieces.push({ t: 'text', v: s.value });
      continue;
    }
    if (!isTokenName(s.name)) continue; // reported by checkTokens already
    const spec = tokenSpec(s.name);
    const filter = s.filter as Parameters<typeof spec.resolve>[2];
    const raw = spec.resolve(values, lang, filter)?.replace(/\s+/g, ' ').trim();
    if (!raw) {
      errors.push({ code: 'VALUE_MISSING', token: s.name, field: path });
      continue;
    }
    if (spec.kind === 'url') {
      if (SAFE_URL.test(raw)) pieces.push({ t: 'link', href: raw });
      else errors.push({ code: 'UNSAFE_URL', token: s.name, field: path });
    } else {
      pieces.push({ t: 'text', v: raw });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, pieces };
};

/** Plain text of a field with values filled in, or the errors. */
const fillText = (field: Field, values: ValueBag, lang: Language): Resolved =>
  resolveSegments(parseTemplate(field.source).segments, values, lang, field.path);

const paragraphsOf = (source: string): string[] =>
  source
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);

/** The assembled parts of one variant, before the channel shapes them. */
export interface VariantParts {
  readonly blocks: readonly RenderedBlock[];
  readonly subject?: string;
  readonly preheader?: string;
}

/** Every field of a variant, in order: subject, preheader, then block texts and urls. */
export const variantFields = (
  template: ResolvedTemplate,
  v: Variant,
): { fields: Field[]; planned: PlannedBlock[]; errors: RenderError[] } => {
  const { planned, errors } = planBlocks(template.blocks, v);
  const header: Field[] =
    v.channel === 'email'
      ? [
          { path: `email.${v.language}.subject`, source: v.subject },
          { path: `email.${v.language}.preheader`, source: v.preheader },
        ]
      : [];
  const fields = [...header, ...planned.flatMap((p) => (p.url ? [p.text, p.url] : [p.text]))];
  return { fields, planned, errors };
};

/**
 * Renders one variant's parts. `allowed` undefined skips the class check (the linter renders
 * previews with sample values; the class check belongs to the purpose at send time).
 */
export const renderVariantParts = (
  template: ResolvedTemplate,
  v: Variant,
  values: ValueBag,
  allowed: ReadonlySet<DataClass> | undefined,
): { ok: true; parts: VariantParts } | { ok: false; errors: RenderError[] } => {
  const { fields, planned, errors } = variantFields(template, v);
  for (const f of fields) {
    const parsed = parseTemplate(f.source);
    const problems = [...parsed.problems, ...checkTokens(parsed.segments, allowed)];
    errors.push(...problems.map((p) => ({ ...p, field: f.path })));
  }
  if (errors.length) return { ok: false, errors };

  const blocks: RenderedBlock[] = [];
  for (const p of planned) {
    const paragraphs: Inline[][] = [];
    for (const para of paragraphsOf(p.text.source)) {
      const r = fillText({ path: p.text.path, source: para }, values, v.language);
      if (r.ok) paragraphs.push(r.pieces);
      else errors.push(...r.errors);
    }
    let href: string | undefined;
    if (p.url) {
      const r = fillText(p.url, values, v.language);
      if (r.ok) {
        href = inlineText(r.pieces).trim();
        if (!SAFE_URL.test(href)) errors.push({ code: 'UNSAFE_URL', field: p.url.path });
      } else errors.push(...r.errors);
    } else if (p.block.kind === 'call_to_action') {
      errors.push({ code: 'UNSAFE_URL', field: `${p.text.path}.url` });
    }
    if (paragraphs.length) blocks.push({ kind: p.block.kind, paragraphs, ...(href ? { href } : {}) });
  }
  let subject: string | undefined;
  let preheader: string | undefined;
  if (v.channel === 'email') {
    const [s, h] = fields;
    const rs = s ? fillText(s, values, v.language) : undefined;
    const rh = h ? fillText(h, values, v.language) : undefined;
    if (rs?.ok) subject = inlineText(rs.pieces).replace(/\s+/g, ' ').trim();
    else if (rs) errors.push(...rs.errors);
    if (rh?.ok) preheader = inlineText(rh.pieces).replace(/\s+/g, ' ').trim();
    else if (rh) errors.push(...rh.errors);
  }
  if (errors.length) return { ok: false, errors };
  if (blocks.length === 0) return { ok: false, errors: [{ code: 'EMPTY_MESSAGE' }] };
  return {
    ok: true,
    parts: {
      blocks,
      ...(subject !== undefined ? { subject } : {}),
      ...(preheader !== undefined ? { preheader } : {}),
    },
  };
};

const blockLine = (b: RenderedBlock, paragraphSep: string): string =>
  b.kind === 'call_to_action'
    ? ctaText(b.paragraphs.map(inlineText).join(' '), b.href ?? '')
    : b.paragraphs.map(inlineText).join(paragraphSep);

/** Shapes the parts for the channel: SMS one line, messenger paragraphs, e-mail HTML + text. */
export const shapeMessage = (v: Variant, parts: VariantParts): RenderedMessage => {
  switch (v.channel) {
    case 'sms': {
      const text = parts.blocks
        .map((b) => blockLine(b, ' '))
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim();
      const info = smsInfo(text);
      return { channel: 'sms', sms: { text, encoding: info.encoding, parts: info.parts } };
    }
    case 'messenger':
      return {
        channel: 'messenger',
        messenger: { text: parts.blocks.map((b) => blockLine(b, '\n\n')).join('\n\n') },
      };
    case 'email': {
      const subject = parts.subject ?? '';
      const preheader = parts.preheader ?? '';
      return {
        channel: 'email',
        email: {
          subject,
          preheader,
          html: emailHtml(v.language, subject, preheader, parts.blocks),
          text: emailText(parts.blocks),
        },
      };
    }
  }
};

/** The text a lock screen can show (R16): SMS, the messenger preview, e-mail subject and preheader. */
export const lockScreenTexts = (
  m: RenderedMessage,
  language: Language,
): { field: string; text: string }[] => {
  switch (m.channel) {
    case 'sms':
      return [{ field: `sms.${language}.text`, text: m.sms.text }];
    case 'messenger':
      return [{ field: `messenger.${language}.text`, text: m.messenger.text }];
    case 'email':
      return [
        { field: `email.${language}.subject`, text: m.email.subject },
        { field: `email.${language}.preheader`, text: m.email.preheader },
      ];
  }
};

export const render = (req: RenderRequest): RenderResult => {
  const { template, channel, language, purpose } = req;
  const content = template.version.content;
  const mode = req.mode ?? 'send';
  const errors: RenderError[] = [];
  if (mode === 'send' && template.version.state !== 'approved') {
    errors.push({ code: 'NOT_SENDABLE', state: template.version.state });
  }
  const cls = purposeClassOf(purpose);
  if (cls === null) errors.push({ code: 'PURPOSE_NOT_MESSAGING', purpose });
  else if (cls !== content.purpose)
    errors.push({ code: 'PURPOSE_MISMATCH', purpose, templatePurpose: content.purpose });
  const variant = findVariant(content, channel, language);
  if (!variant) errors.push({ code: 'VARIANT_MISSING', channel, language });
  if (errors.length || !variant) return { ok: false, errors };

  const r = renderVariantParts(template, variant, req.values, req.allowedClasses);
  if (!r.ok) return { ok: false, errors: r.errors };
  const message = shapeMessage(variant, r.parts);
  if (mode === 'send') {
    const matcher = req.sensitive ?? defaultSensitiveMatcher();
    for (const { field, text } of lockScreenTexts(message, language)) {
      for (const hit of matcher.scan(text)) {
        if (hit.severity === 'error')
          errors.push({ code: 'SENSITIVE_CONTENT', category: hit.category, field });
      }
    }
    if (errors.length) return { ok: false, errors };
  }
  return { ok: true, message, disclosed: disclosedClasses(variant, template) };
};

/** The classes of every token a variant fills in, in order of first use. */
const disclosedClasses = (v: Variant, template: ResolvedTemplate): DataClass[] => {
  const out = new Set<DataClass>();
  for (const f of variantFields(template, v).fields)
    for (const s of parseTemplate(f.source).segments)
      if (s.kind === 'token' && isTokenName(s.name)) for (const c of tokenSpec(s.name).classes) out.add(c);
  return [...out];
};
