import { createHash } from 'node:crypto';
import type { Language, Purpose, Sex } from '@careloop/contracts';

/**
 * The content library as plain data. Storage, ids and the API come later; everything
 * here is what the pure core needs to render, lint and move a template through review.
 */

export const BLOCK_KINDS = ['greeting', 'body', 'offer', 'call_to_action', 'legal_footer'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/** R13: every template has exactly one of these. */
export const PURPOSE_CLASSES = ['service', 'care', 'advertising'] as const;
export type PurposeClass = (typeof PURPOSE_CLASSES)[number];

/** Feedback (NPS/CSAT) and loyalty templates get the R13 offer check. */
export const TEMPLATE_KINDS = ['standard', 'feedback', 'loyalty'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** The channels that carry rendered text; calls go to a worklist with a script instead. */
export const CONTENT_CHANNELS = ['sms', 'email', 'messenger'] as const;
export type ContentChannel = (typeof CONTENT_CHANNELS)[number];

export const APPROVAL_STATES = ['draft', 'in_review', 'approved', 'retired'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

/** Which template class each messaging purpose may send; the others send nothing. */
const PURPOSE_CLASS_OF: Readonly<Record<Purpose, PurposeClass | null>> = {
  'care.appointment': 'care',
  'care.followup': 'care',
  'service.feedback': 'service',
  'service.notice': 'service',
  'marketing.general': 'advertising',
  'marketing.health': 'advertising',
  'analytics.aggregate': null,
  'audience.export': null,
  'registry.operations': null,
  'subject.rights': null,
};

export const purposeClassOf = (p: Purpose): PurposeClass | null => PURPOSE_CLASS_OF[p];

/**
 * A block's text in one language. Authors write plain text with tokens, never HTML: the
 * e-mail layout is ours, so nothing an author types can inject markup. A channel override
 * replaces `text` in that channel; `null` leaves the block out of that channel.
 */
export interface BlockText {
  readonly text: string;
  readonly sms?: string | null;
  readonly messenger?: string | null;
  readonly email?: string | null;
}

export interface ContentBlock {
  readonly id: string;
  readonly version: number;
  readonly kind: BlockKind;
  readonly content: Readonly<Partial<Record<Language, BlockText>>>;
  /** Only for call_to_action: a token such as `{{booking_url}}` or an https address. */
  readonly url?: string;
}

export interface BlockRef {
  readonly blockId: string;
  readonly version: number;
}

/** One channel in one language; e-mail carries its own subject and preheader. */
export type Variant =
  | { readonly channel: 'sms'; readonly language: Language }
  | { readonly channel: 'messenger'; readonly language: Language }
  | {
      readonly channel: 'email';
      readonly language: Language;
      readonly subject: string;
      readonly preheader: string;
    };

export interface TemplateContent {
  readonly name: string;
  readonly purpose: PurposeClass;
  readonly kind: TemplateKind;
  /** The template advertises or concerns medical services (38-FZ Art. 24). */
  readonly medical: boolean;
  readonly blocks: readonly BlockRef[];
  readonly variants: readonly Variant[];
}

export interface TemplateVersion {
  readonly templateId: string;
  readonly version: number;
  readonly state: ApprovalState;
  readonly authorId: string;
  readonly content: TemplateContent;
  readonly submittedAt?: Date;
  readonly approvedBy?: string;
  readonly approvedAt?: Date;
  readonly retiredAt?: Date;
}

/** A version with its blocks looked up, in template order. */
export interface ResolvedTemplate {
  readonly version: TemplateVersion;
  readonly blocks: readonly ContentBlock[];
}

export type ResolveResult =
  | { readonly ok: true; readonly template: ResolvedTemplate }
  | { readonly ok: false; readonly missing: readonly BlockRef[] };

/** Pins every reference to the exact block version it names; a missing one is an error. */
export const resolveTemplate = (
  version: TemplateVersion,
  lookup: (ref: BlockRef) => ContentBlock | undefined,
): ResolveResult => {
  const blocks: ContentBlock[] = [];
  const missing: BlockRef[] = [];
  for (const ref of version.content.blocks) {
    const block = lookup(ref);
    if (block && block.id === ref.blockId && block.version === ref.version) blocks.push(block);
    else missing.push(ref);
  }
  return missing.length > 0 ? { ok: false, missing } : { ok: true, template: { version, blocks } };
};

export const variantKey = (v: { readonly channel: ContentChannel; readonly language: Language }): string =>
  `${v.channel}.${v.language}`;

export const findVariant = (
  content: TemplateContent,
  channel: ContentChannel,
  language: Language,
): Variant | undefined => content.variants.find((v) => v.channel === channel && v.language === language);

/** A person as the greeting and declension need it; any part may be unknown. */
export interface PersonName {
  readonly firstName?: string;
  readonly patronymic?: string;
  readonly lastName?: string;
  readonly sex?: Sex;
}

/** Values for one recipient. Times and dates arrive formatted in the patient's zone. */
export interface ValueBag {
  readonly patient?: PersonName;
  readonly clinic?: { readonly name?: string; readonly phone?: string; readonly postalAddress?: string };
  readonly slot?: {
    readonly date?: string;
    readonly time?: string;
    readonly branch?: string;
    readonly doctor?: string;
    readonly specialty?: string;
  };
  readonly links?: {
    readonly unsubscribe?: string;
    readonly preferences?: string;
    readonly booking?: string;
    readonly survey?: string;
  };
  readonly loyalty?: { readonly points?: string };
}

const stable = (x: unknown): string => {
  if (Array.isArray(x)) return `[${x.map(stable).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const entries = Object.entries(x as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
};

/**
 * A hash of what a version says, so an approval can prove it was linted as it stands. Block
 * references pin block versions, and block versions never change once written.
 */
export const contentFingerprint = (content: TemplateContent): string =>
  createHash('sha256').update(stable(content)).digest('hex');
