import type { ImportEncoding } from '@careloop/contracts';
import iconv from 'iconv-lite';

/** The encodings a text file is decoded with. UTF-16 is recognised by its byte-order mark only. */
export type TextEncoding = 'utf8' | 'cp1251' | 'utf16le' | 'utf16be';

export interface DetectedEncoding {
  readonly encoding: TextEncoding;
  readonly bom: boolean;
  /**
   * `certain`: a BOM or an explicit choice; `high`: the bytes fit only this encoding;
   * `ascii`: no byte above 127 was seen, so UTF-8 and Windows-1251 read the same;
   * `low`: a guess (Windows-1251 bytes that do not look like Russian text, or UTF-8 with
   * invalid sequences); rows whose cells do not decode are flagged `invalid_encoding`.
   */
  readonly confidence: 'certain' | 'high' | 'ascii' | 'low';
}

interface Utf8Scan {
  readonly valid: number;
  readonly invalid: number;
}

/** Counts valid multi-byte UTF-8 sequences and invalid bytes; a sequence cut by the end is not invalid. */
function scanUtf8(bytes: Uint8Array): Utf8Scan {
  let valid = 0;
  let invalid = 0;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) {
      invalid++;
      i++;
      continue;
    }
    let ok = true;
    for (let k = 1; k < len; k++) {
      if (i + k >= n) return { valid, invalid };
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) {
        ok = false;
        break;
      }
    }
    if (ok) {
      valid++;
      i += len;
    } else {
      invalid++;
      i++;
    }
  }
  return { valid, invalid };
}

/** The ten most frequent Russian letters (о е а и н т с р в л) in Windows-1251, upper and lower case. */
const FREQUENT = new Set([
  0xee, 0xe5, 0xe0, 0xe8, 0xed, 0xf2, 0xf1, 0xf0, 0xe2, 0xeb, 0xce, 0xc5, 0xc0, 0xc8, 0xcd, 0xd2, 0xd1, 0xd0,
  0xc2, 0xcb,
]);

/**
 * Whether high bytes read as Windows-1251 look like Russian: most are letters (А–я, Ё, ё),
 * and the frequent letters make up a Russian-like share of them (about 55% in prose, 45% in
 * lists of names; text in another single-byte encoding scores far lower).
 */
function looksLikeCp1251(bytes: Uint8Array): boolean {
  let high = 0;
  let letters = 0;
  let frequent = 0;
  for (const b of bytes) {
    if (b < 0x80) continue;
    high++;
    if (b >= 0xc0 || b === 0xa8 || b === 0xb8) {
      letters++;
      if (FREQUENT.has(b)) frequent++;
    }
  }
  return high > 0 && letters / high >= 0.7 && frequent / letters >= 0.3;
}

/**
 * Tells UTF-8 from Windows-1251: a BOM decides; otherwise valid UTF-8 multi-byte sequences
 * are all but impossible in Cyrillic Windows-1251 text, so a sample that is (nearly) valid
 * UTF-8 is UTF-8, and one that is not is checked for Russian letter frequencies.
 */
export function detectEncoding(sample: Uint8Array): DetectedEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return { encoding: 'utf8', bom: true, confidence: 'certain' };
  }
  if (sample[0] === 0xff && sample[1] === 0xfe)
    return { encoding: 'utf16le', bom: true, confidence: 'certain' };
  if (sample[0] === 0xfe && sample[1] === 0xff)
    return { encoding: 'utf16be', bom: true, confidence: 'certain' };
  const { valid, invalid } = scanUtf8(sample);
  if (valid === 0 && invalid === 0) return { encoding: 'utf8', bom: false, confidence: 'ascii' };
  if (invalid === 0) return { encoding: 'utf8', bom: false, confidence: 'high' };
  // A few broken sequences in otherwise valid UTF-8 are damage, not another encoding.
  if (valid >= 10 * invalid) return { encoding: 'utf8', bom: false, confidence: 'low' };
  return { encoding: 'cp1251', bom: false, confidence: looksLikeCp1251(sample) ? 'high' : 'low' };
}

/** Applies an explicit choice, or sniffs when it is `auto`. */
export function chooseEncoding(sample: Uint8Array, option: ImportEncoding): DetectedEncoding {
  if (option === 'auto') return detectEncoding(sample);
  const bom = option === 'utf8' && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf;
  return { encoding: option, bom, confidence: 'certain' };
}

const ICONV_NAMES: Record<TextEncoding, 'utf8' | 'win1251' | 'utf16le' | 'utf16be'> = {
  utf8: 'utf8',
  cp1251: 'win1251',
  utf16le: 'utf16le',
  utf16be: 'utf16be',
};

/** Decodes a byte stream chunk by chunk (characters split across chunks are carried over); drops a BOM. */
export async function* decodeStream(
  chunks: AsyncIterable<Uint8Array>,
  encoding: TextEncoding,
): AsyncIterable<string> {
  const decoder = iconv.getDecoder(ICONV_NAMES[encoding], { stripBOM: true });
  for await (const chunk of chunks) {
    const text = decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (text.length > 0) yield text;
  }
  const tail = decoder.end();
  if (tail !== undefined && tail.length > 0) yield tail;
}

/** Decodes a sample (the head of a file) whole; a character cut by the end becomes U+FFFD. */
export function decodeSample(sample: Uint8Array, encoding: TextEncoding): string {
  return iconv.decode(
    Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength),
    ICONV_NAMES[encoding],
    {
      stripBOM: true,
    },
  );
}
