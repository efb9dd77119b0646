/**
 * SMS length as the network counts it (3GPP TS 23.038 / 23.040). A text that fits the GSM 7-bit
 * alphabet is sent in septets, the extension table costing two (escape + character); anything
 * else, any Cyrillic letter included, forces UCS-2, counted in UTF-16 code units. Concatenated
 * parts lose room to the user-data header: 160 → 153 septets, 70 → 67 units. A part never splits
 * an escape pair or a surrogate pair, so the count below walks the text instead of dividing.
 */

export const SMS_ENCODINGS = ['gsm7', 'ucs2'] as const;
export type SmsEncoding = (typeof SMS_ENCODINGS)[number];

const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

export const SMS_LIMITS = {
  gsm7: { single: 160, multi: 153 },
  ucs2: { single: 70, multi: 67 },
} as const satisfies Record<SmsEncoding, { single: number; multi: number }>;

export interface SmsInfo {
  readonly encoding: SmsEncoding;
  /** Characters as a person counts them (code points). */
  readonly characters: number;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  readonly units: number;
  /** 0 for an empty text: there is nothing to send. */
  readonly parts: number;
  /** Units each part can hold at this length. */
  readonly perPart: number;
  /** Units still free in the last part. */
  readonly remaining: number;
}

const gsmCost = (ch: string): number => (GSM7_BASIC.has(ch) ? 1 : GSM7_EXTENSION.has(ch) ? 2 : 0);

export const smsEncoding = (text: string): SmsEncoding => {
  for (const ch of text) if (gsmCost(ch) === 0) return 'ucs2';
  return 'gsm7';
};

/** Greedy fill of parts of `capacity` units, never splitting one character's units. */
const countParts = (costs: readonly number[], capacity: number): { parts: number; lastUsed: number } => {
  let parts = 1;
  let used = 0;
  for (const c of costs) {
    if (used + c > capacity) {
      parts++;
      used = 0;
    }
    used += c;
  }
  return { parts, lastUsed: used };
};

export const smsInfo = (text: string): SmsInfo => {
  const encoding = smsEncoding(text);
  const chars = [...text];
  const costs = chars.map((ch) => (encoding === 'gsm7' ? gsmCost(ch) : ch.length));
  const units = costs.reduce((a, b) => a + b, 0);
  const limits = SMS_LIMITS[encoding];
  if (units === 0) {
    return { encoding, characters: 0, units: 0, parts: 0, perPart: limits.single, remaining: limits.single };
  }
  if (units <= limits.single) {
    return {
      encoding,
      characters: chars.length,
      units,
      parts: 1,
      perPart: limits.single,
      remaining: limits.single - units,
    };
  }
  const { parts, lastUsed } = countParts(costs, limits.multi);
  return {
    encoding,
    characters: chars.length,
    units,
    parts,
    perPart: limits.multi,
    remaining: limits.multi - lastUsed,
  };
};
