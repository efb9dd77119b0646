import { type Language, type Purpose, TEMPLATE_CLASS_OF_PURPOSE } from '@careloop/contracts/vocab';
import type {
  BlockView,
  LintFindingView,
  TemplateDetailView,
  TemplateDraft,
  TemplateVersionView,
} from '../../api/types.ts';

/**
 * The editor's model: a template version with its blocks' texts inline, exactly the shape the
 * API checks and saves. Pure helpers only; the screens hold the state.
 */

export type Draft = TemplateDraft;
export type DraftBlock = Draft['blocks'][number];
export type BlockKind = DraftBlock['kind'];
export type BlockText = NonNullable<DraftBlock['content']['ru']>;
export type Variant = Draft['variants'][number];
export type Channel = Variant['channel'];
export type TemplateClass = Draft['purpose'];

export const CHANNELS: readonly Channel[] = ['sms', 'email', 'messenger'];
export const LANGS: readonly Language[] = ['ru', 'en'];
export const BLOCK_KINDS: readonly BlockKind[] = [
  'greeting',
  'body',
  'offer',
  'call_to_action',
  'legal_footer',
];
export const TEMPLATE_KINDS: readonly Draft['kind'][] = ['standard', 'feedback', 'loyalty'];

/** The purposes that send messages, each with the template class it sends (R13). */
export const SEND_PURPOSES = (Object.keys(TEMPLATE_CLASS_OF_PURPOSE) as Purpose[]).filter(
  (p) => TEMPLATE_CLASS_OF_PURPOSE[p] !== null,
);
export const classOf = (p: Purpose): TemplateClass => TEMPLATE_CLASS_OF_PURPOSE[p] ?? 'service';

export const emptyDraft = (sendPurpose: Purpose, lang: Language): Draft => ({
  name: '',
  purpose: classOf(sendPurpose),
  kind: 'standard',
  medical: classOf(sendPurpose) === 'advertising',
  blocks: [],
  variants: CHANNELS.map((channel) =>
    channel === 'email'
      ? { channel, language: lang, subject: '', preheader: '' }
      : { channel, language: lang },
  ),
});

export const newBlock = (kind: BlockKind, langs: readonly Language[]): DraftBlock => ({
  kind,
  content: Object.fromEntries(langs.map((l) => [l, { text: '' }])),
  ...(kind === 'call_to_action' ? { url: '{{booking_url}}' } : {}),
});

/** A library block as a draft holds it: loaded from that very version. */
export const fromBlock = (b: BlockView): DraftBlock => ({
  blockId: b.id,
  version: b.version,
  kind: b.kind,
  content: b.content,
  ...(b.url !== undefined ? { url: b.url } : {}),
});

/** A stored version as a draft: the exact block versions it pins, texts inline. */
export const draftOf = (detail: TemplateDetailView, v: TemplateVersionView): Draft => {
  const byRef = new Map(detail.blocks.map((b) => [`${b.id}@${b.version}`, b]));
  return {
    name: v.content.name,
    purpose: v.content.purpose,
    kind: v.content.kind,
    medical: v.content.medical,
    blocks: v.content.blocks.flatMap((r) => {
      const b = byRef.get(`${r.blockId}@${r.version}`);
      return b ? [fromBlock(b)] : [];
    }),
    variants: v.content.variants,
  };
};

/** The languages the draft's variants use, in order. */
export const draftLanguages = (d: Draft): Language[] =>
  LANGS.filter((l) => d.variants.some((v) => v.language === l));

export const variantOf = (d: Draft, channel: Channel, lang: Language): Variant | undefined =>
  d.variants.find((v) => v.channel === channel && v.language === lang);

/** Switches a channel in a language on or off, keeping the variants in a stable order. */
export const toggleVariant = (d: Draft, channel: Channel, lang: Language, on: boolean): Draft => {
  const rest = d.variants.filter((v) => !(v.channel === channel && v.language === lang));
  const added: Variant =
    channel === 'email'
      ? { channel, language: lang, subject: '', preheader: '' }
      : { channel, language: lang };
  const all = on ? [...rest, added] : rest;
  const order = (v: Variant) => LANGS.indexOf(v.language) * 10 + CHANNELS.indexOf(v.channel);
  return { ...d, variants: all.sort((a, b) => order(a) - order(b)) };
};

export const setEmail = (d: Draft, lang: Language, part: 'subject' | 'preheader', value: string): Draft => ({
  ...d,
  variants: d.variants.map((v) =>
    v.channel === 'email' && v.language === lang ? { ...v, [part]: value } : v,
  ),
});

export const setBlock = (d: Draft, i: number, b: DraftBlock): Draft => ({
  ...d,
  blocks: d.blocks.map((x, j) => (j === i ? b : x)),
});

export const moveBlock = (d: Draft, i: number, by: -1 | 1): Draft => {
  const j = i + by;
  if (j < 0 || j >= d.blocks.length) return d;
  const blocks = [...d.blocks];
  [blocks[i], blocks[j]] = [blocks[j]!, blocks[i]!];
  return { ...d, blocks };
};

export const removeBlock = (d: Draft, i: number): Draft => ({
  ...d,
  blocks: d.blocks.filter((_, j) => j !== i),
});

/** How a block's text behaves in one channel: the main text, its own text, or left out. */
export type OverrideMode = 'same' | 'own' | 'none';

export const overrideMode = (t: BlockText | undefined, ch: Channel): OverrideMode => {
  const o = t?.[ch];
  return o === null ? 'none' : typeof o === 'string' ? 'own' : 'same';
};

export const setText = (b: DraftBlock, lang: Language, change: (t: BlockText) => BlockText): DraftBlock => ({
  ...b,
  content: { ...b.content, [lang]: change(b.content[lang] ?? { text: '' }) },
});

export const setOverride = (t: BlockText, ch: Channel, mode: OverrideMode, text = ''): BlockText => {
  const { [ch]: _drop, ...rest } = t;
  return mode === 'same' ? rest : { ...rest, [ch]: mode === 'none' ? null : text };
};

/** A language whose text is empty and has no channel texts is left out, so the linter names it missing. */
export const normalise = (d: Draft): Draft => ({
  ...d,
  name: d.name.trim(),
  blocks: d.blocks.map((b) => ({
    ...b,
    content: Object.fromEntries(
      Object.entries(b.content).filter(
        ([, t]) => t && (t.text.trim() !== '' || CHANNELS.some((c) => typeof t[c] === 'string')),
      ),
    ),
  })),
});

// ── findings ──────────────────────────────────────────────────────────────────────────────

export type Finding = LintFindingView;

/** Where a finding belongs: a block (by position), a variant's own field, or the template. */
export type Place =
  | { readonly at: 'block'; readonly index: number; readonly channel?: Channel; readonly language?: Language }
  | { readonly at: 'variant'; readonly channel: Channel; readonly language: Language; readonly part: string }
  | { readonly at: 'template' };

const BLOCK = /^(?:(sms|email|messenger)\.(ru|en)\.)?block:b(\d+)/;
const VARIANT = /^(sms|email|messenger)\.(ru|en)\.(\w+)/;

export const placeOf = (field: string): Place => {
  const b = BLOCK.exec(field);
  if (b) {
    return {
      at: 'block',
      index: Number(b[3]),
      ...(b[1] ? { channel: b[1] as Channel } : {}),
      ...(b[2] ? { language: b[2] as Language } : {}),
    };
  }
  const v = VARIANT.exec(field);
  if (v) return { at: 'variant', channel: v[1] as Channel, language: v[2] as Language, part: v[3]! };
  return { at: 'template' };
};

export const blockFindings = (fs: readonly Finding[], index: number): Finding[] =>
  fs.filter((f) => {
    const p = placeOf(f.field);
    return p.at === 'block' && p.index === index;
  });

export const variantFindings = (
  fs: readonly Finding[],
  channel: Channel,
  language: Language,
  parts?: readonly string[],
): Finding[] =>
  fs.filter((f) => {
    const p = placeOf(f.field);
    return (
      p.at === 'variant' &&
      p.channel === channel &&
      p.language === language &&
      (!parts || parts.includes(p.part))
    );
  });

export const templateFindings = (fs: readonly Finding[]): Finding[] =>
  fs.filter((f) => placeOf(f.field).at === 'template');

export const errorCount = (fs: readonly Finding[]): number => fs.filter((f) => f.severity === 'error').length;

/** JSON with keys in order, so two drafts that say the same compare equal however they were edited. */
const canonical = (x: unknown): string => {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x !== null && typeof x === 'object')
    return `{${Object.entries(x as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  return JSON.stringify(x) ?? 'null';
};

export const sameDraft = (a: Draft, b: Draft): boolean => canonical(normalise(a)) === canonical(normalise(b));
