import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer } from '../../src/modules/imports/index.ts';

const tokenize = (text: string, delimiter = ';') => new CsvTokenizer(delimiter).push(text, true);
const cells = (text: string, delimiter = ';') => tokenize(text, delimiter).map((r) => r.cells);

/** Feeds the text in pieces cut at the given positions. */
function tokenizeInPieces(text: string, cuts: readonly number[], delimiter = ';') {
  const t = new CsvTokenizer(delimiter);
  const out = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(...t.push(text.slice(from, cut), false));
    from = cut;
  }
  out.push(...t.push('', true));
  return out;
}

describe('CsvTokenizer', () => {
  it('splits fields, unquotes, unescapes doubled quotes and keeps delimiters and line breaks inside quotes', () => {
    expect(cells('a;"b;c";"say ""hi"""\n"multi\nline";x;\n')).toEqual([
      ['a', 'b;c', 'say "hi"'],
      ['multi\nline', 'x', ''],
    ]);
  });

  it('accepts LF, CRLF and CR line ends and numbers the physical lines', () => {
    const records = tokenize('h1;h2\r\n1;2\r3;4\n"5\r\n5";6\n7;8');
    expect(records.map((r) => r.cells)).toEqual([
      ['h1', 'h2'],
      ['1', '2'],
      ['3', '4'],
      ['5\r\n5', '6'],
      ['7', '8'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 6]);
  });

  it('trims blanks around fields, which reads the FEBRL ", " style', () => {
    expect(cells('rec_id, given_name, surname\nrec-1, "ann, marie" , smith \n', ',')).toEqual([
      ['rec_id', 'given_name', 'surname'],
      ['rec-1', 'ann, marie', 'smith'],
    ]);
  });

  it('keeps empty cells between tabs in TSV', () => {
    expect(cells('a\t\tc\n \t x \t\n', '\t')).toEqual([
      ['a', '', 'c'],
      ['', 'x', ''],
    ]);
  });

  it('yields empty lines as records instead of skipping them, but adds none for the final line break', () => {
    expect(cells('a;b\n\n1;2\n')).toEqual([['a', 'b'], [''], ['1', '2']]);
  });

  it('keeps text after a closing quote as written', () => {
    expect(cells('"ООО "Ромашка"";1\n"abc"def;2\n')).toEqual([
      ['"ООО "Ромашка""', '1'],
      ['"abc"def', '2'],
    ]);
  });

  it('takes an unclosed quote literally on its own line and reads the following lines normally', () => {
    const records = tokenize('id;name;city\n1;"Ivanov;Moscow\n2;"Petrov";Tver\n3;Sidorov;Omsk\n');
    expect(records.map((r) => r.cells)).toEqual([
      ['id', 'name', 'city'],
      ['1', '"Ivanov', 'Moscow'],
      ['2', 'Petrov', 'Tver'],
      ['3', 'Sidorov', 'Omsk'],
    ]);
    expect(records.map((r) => r.unbalancedQuote)).toEqual([false, true, false, false]);
    expect(records[1]?.text).toBe('1;"Ivanov;Moscow');
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4]);
  });

  it('takes a quote that never closes before the end of the file literally', () => {
    const records = tokenize('a;b\n1;"open\n2;x\n');
    expect(records.map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['1', '"open'],
      ['2', 'x'],
    ]);
    expect(records[1]?.unbalancedQuote).toBe(true);
  });

  it('gives up on a quoted field longer than the limit instead of swallowing the file', () => {
    const t = new CsvTokenizer(';', 50);
    const text = `1;"${'x'.repeat(20)}\n${Array.from({ length: 20 }, (_, i) => `${i};y`).join('\n')}\n`;
    const records = [...t.push(text, false), ...t.push('', true)];
    expect(records).toHaveLength(21);
    expect(records[0]?.unbalancedQuote).toBe(true);
  });

  it('gives the same records wherever the chunks are cut', () => {
    const text = 'a;"b ""q""";c\r\n"x\r\ny";"";z\r\n\r\n1;2;3\r"4";5;6';
    const whole = tokenize(text);
    for (let i = 0; i <= text.length; i++) {
      for (const j of [i, i + 1, i + 3]) {
        if (j > text.length) continue;
        expect(tokenizeInPieces(text, j === i ? [i] : [i, j])).toEqual(whole);
      }
    }
  });

  it('agrees with csv-parse on well-formed CSV', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = ['a', 'я', ' ', ';', ',', '"', '\n', '\r\n', '1', 'Ё'];
    const field = () => {
      const n = Math.floor(random() * 6);
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
      return s;
    };
    for (let round = 0; round < 200; round++) {
      const delimiter = random() < 0.5 ? ';' : ',';
      const width = 1 + Math.floor(random() * 4);
      const rows = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
        Array.from({ length: width }, () => {
          const v = field();
          // Quote every field that needs it, and some that do not; never pad quoted fields.
          return /[;,"\r\n ]/.test(v) || random() < 0.2 ? `"${v.replaceAll('"', '""')}"` : v;
        }),
      );
      const text = `${rows.map((r) => r.join(delimiter)).join('\r\n')}\r\n`;
      const theirs = parse(text, {
        delimiter,
        relax_column_count: true,
        skip_empty_lines: false,
      }) as string[][];
      const ours = new CsvTokenizer(delimiter).push(text, true).map((r) => r.cells);
      // Our tokenizer trims unquoted cells; csv-parse only does when asked.
      const trimmed = theirs.map((r, i) => r.map((c, j) => (rows[i]?.[j]?.startsWith('"') ? c : c.trim())));
      expect(ours).toEqual(trimmed);
    }
  });
});
