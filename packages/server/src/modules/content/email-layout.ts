import type { Language } from '@careloop/contracts';
import { escape as escapeHtml } from 'html-escaper';
import type { BlockKind } from './model.ts';
import { warningShare } from './wording.ts';

/**
 * The one e-mail layout: a 600px single column of presentation tables with inline styles (what
 * mail clients honour), `lang` set, a hidden preheader, colours at WCAG AA contrast or better,
 * and a real link for the call to action. HTML and plain text come from the same rendered
 * blocks, so they cannot say different things. Every piece of text is escaped here and only
 * here: authors write plain text, values arrive raw.
 */

export type Inline =
  | { readonly t: 'text'; readonly v: string }
  | { readonly t: 'link'; readonly href: string };

export interface RenderedBlock {
  readonly kind: BlockKind;
  /** Paragraphs; a text piece may hold single line breaks. */
  readonly paragraphs: readonly (readonly Inline[])[];
  /** call_to_action only: the paragraphs are the label. */
  readonly href?: string;
}

export const inlineText = (pieces: readonly Inline[]): string =>
  pieces.map((p) => (p.t === 'text' ? p.v : p.href)).join('');

/** «Записаться: https://…»; a label that already ends in a colon keeps its own. */
export const ctaText = (label: string, href: string): string => {
  const l = label.trim();
  return l.endsWith(':') ? `${l} ${href}` : `${l}: ${href}`;
};

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const LINK = 'color:#0b5cad;text-decoration:underline;';

const inlineHtml = (pieces: readonly Inline[]): string =>
  pieces
    .map((p) =>
      p.t === 'text'
        ? escapeHtml(p.v).replace(/\n/g, '<br>')
        : `<a href="${escapeHtml(p.href)}" style="${LINK}">${escapeHtml(p.href)}</a>`,
    )
    .join('');

const paragraphs = (b: RenderedBlock, style: string): string =>
  b.paragraphs.map((p) => `<p style="${style}">${inlineHtml(p)}</p>`).join('\n');

const blockHtml = (b: RenderedBlock): string => {
  switch (b.kind) {
    case 'greeting':
      return paragraphs(b, 'margin:0 0 16px;font-size:18px;line-height:1.4;font-weight:bold;');
    case 'body':
      return paragraphs(b, 'margin:0 0 16px;');
    case 'offer':
      return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px;">' +
        '<tr><td style="padding:16px;background-color:#eef4fb;border-left:4px solid #0b5cad;">' +
        paragraphs(b, 'margin:4px 0;') +
        '</td></tr></table>'
      );
    case 'call_to_action': {
      const label = escapeHtml(b.paragraphs.map(inlineText).join(' '));
      return (
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px;">' +
        '<tr><td style="border-radius:6px;background-color:#0b5cad;">' +
        `<a href="${escapeHtml(b.href ?? '')}" style="display:inline-block;padding:12px 24px;${FONT}font-size:16px;` +
        `font-weight:bold;color:#ffffff;text-decoration:none;border-radius:6px;">${label}</a>` +
        '</td></tr></table>'
      );
    }
    case 'legal_footer':
      // The R14 warning keeps the body size: its share is measured in characters, so it must not
      // shrink on screen; the rest of the footer is small print.
      return b.paragraphs
        .map((p) => {
          const warning = warningShare(inlineText(p), true) !== undefined;
          const size = warning ? 'font-size:16px;color:#1a1a1a;' : 'font-size:13px;color:#4a4a4a;';
          return `<p style="margin:16px 0 0;line-height:1.5;${size}">${inlineHtml(p)}</p>`;
        })
        .join('\n');
  }
};

export const emailHtml = (
  language: Language,
  subject: string,
  preheader: string,
  blocks: readonly RenderedBlock[],
): string =>
  [
    '<!DOCTYPE html>',
    `<html lang="${language}" dir="ltr">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    '<body style="margin:0;padding:0;background-color:#f4f5f7;">',
    // Preheader: shown by the inbox, hidden in the message; the fillers keep body text out of it.
    `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;" aria-hidden="true">${escapeHtml(preheader)}${'&#8199;&#847;'.repeat(20)}</div>`,
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f5f7;">',
    '<tr><td align="center" style="padding:24px 12px;">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;border-radius:8px;">',
    `<tr><td style="padding:32px 28px;${FONT}font-size:16px;line-height:1.5;color:#1a1a1a;">`,
    ...blocks.map(blockHtml),
    '</td></tr>',
    '</table>',
    '</td></tr>',
    '</table>',
    '</body>',
    '</html>',
  ].join('\n');

/** The text/plain alternative: the same blocks, blank lines between them. */
export const emailText = (blocks: readonly RenderedBlock[]): string =>
  blocks
    .map((b) =>
      b.kind === 'call_to_action'
        ? ctaText(b.paragraphs.map(inlineText).join(' '), b.href ?? '')
        : b.paragraphs.map(inlineText).join('\n\n'),
    )
    .join('\n\n');
