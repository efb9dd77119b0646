import type { KeyObject } from 'node:crypto';
import { copyLine, LineBuffer } from '../../../db/copy.ts';
import { TenantKeys } from '../../crypto/index.ts';
import type { FieldIssue } from '../../normalise/index.ts';
import { type NewPatient, PATIENT_COPY_COLUMNS, sealPatient } from '../../patients/index.ts';
import { newPatientFacts } from '../../segments/facts.ts';
import type { ImportRow } from '../rows.ts';
import { type ImportedConsent, type ImportRules, personFromRow, type RowVerdict } from './person.ts';

/** Everything the CPU-bound part of an import needs; cloneable to a worker thread. */
export interface PrepareContext {
  readonly tenantId: string;
  readonly sourceId: string;
  readonly batchId: string;
  readonly rules: ImportRules;
  readonly keys: { data: [number, KeyObject][]; index: KeyObject; bits: number };
  readonly now: Date;
}

/** One row judged, keyed and (when accepted) sealed, ready for the database. */
export interface PreparedRow {
  readonly rowNo: number;
  readonly verdict: RowVerdict['verdict'];
  readonly issues: readonly { field: string; reason: string; severity: string }[];
  readonly person: NewPatient | null;
  readonly consents: readonly ImportedConsent[];
  /** HMAC of the row's content within the source: the same row again changes nothing. */
  readonly record: string | null;
  /** HMAC of the MIS id within the source. */
  readonly external: string | null;
  /** A new patient's id and the byte ranges of its COPY lines, used unless the row turns out to be known. */
  readonly patientId: string | null;
  readonly lines: { patient: Range; facts: Range; lookups: Range; source: Range } | null;
  /** The row as read, sealed under the tenant key, for the quarantine. */
  readonly raw: { version: number; sealed: Uint8Array } | null;
}

type Range = readonly [number, number];

/**
 * A chunk prepared: its rows, and the COPY text of its new patients rendered per table
 * (the rows hold their ranges). The buffers are transferred from a worker thread whole.
 */
export interface PreparedChunk {
  readonly rows: readonly PreparedRow[];
  readonly copy: {
    readonly patients: Uint8Array<ArrayBuffer>;
    readonly facts: Uint8Array<ArrayBuffer>;
    readonly lookups: Uint8Array<ArrayBuffer>;
    readonly sources: Uint8Array<ArrayBuffer>;
  };
}

const STRUCTURE_ISSUE = { ru: 'Строка файла повреждена.', en: 'The file row is malformed.' };

/** Turns a reader row into a verdict: structural problems reject it before validation. */
export function judge(row: ImportRow, rules: ImportRules): RowVerdict {
  if (row.problems.length > 0) {
    return {
      verdict: 'rejected',
      issues: row.problems.map(
        (p): FieldIssue => ({
          field: p.column ?? 'row',
          value: '',
          reason: p.code as never,
          severity: 'reject',
          message: STRUCTURE_ISSUE,
        }),
      ),
    };
  }
  return personFromRow(row.fields, rules);
}

/**
 * A keyed hash of a value within one source (a row's content, an MIS id). 128 bits
 * are plenty to tell records apart and keep the provenance indexes small.
 */
export const sourceKey = (
  keys: TenantKeys,
  kind: 'import-row' | 'external',
  sourceId: string,
  value: string,
): Buffer => keys.mac(kind, `${sourceId}|${value}`).subarray(0, 16);

/** A stable text of the person, so a row seen before is recognised whatever its row number. */
const canonical = (p: NewPatient): string => JSON.stringify([p.identity, p.contact, p.profile]);

/** The CPU-heavy part of importing a chunk: validation, normalisation, keyed hashes, encryption. */
export function prepareRows(ctx: PrepareContext, rows: readonly ImportRow[]): PreparedChunk {
  const keys = TenantKeys.fromMaterial(ctx.tenantId, ctx.keys);
  const t = ctx.tenantId;
  const patients = new LineBuffer();
  const facts = new LineBuffer();
  const lookups = new LineBuffer();
  const sources = new LineBuffer();
  const prepared = rows.map((row): PreparedRow => {
    const v = judge(row, ctx.rules);
    const sealed = v.person ? sealPatient(keys, { ...v.person, createdAt: ctx.now }, ctx.now) : null;
    const record = v.person ? sourceKey(keys, 'import-row', ctx.sourceId, canonical(v.person)) : null;
    const external = v.externalId ? sourceKey(keys, 'external', ctx.sourceId, v.externalId) : null;
    const raw =
      v.verdict === 'ok'
        ? null
        : keys.sealForTenant(Buffer.from(JSON.stringify(row.raw)), `${t}/import/${ctx.batchId}/${row.rowNo}`);
    return {
      rowNo: row.rowNo,
      verdict: v.verdict,
      issues: v.issues.map((i) => ({ field: i.field, reason: i.reason, severity: i.severity })),
      person: v.person ?? null,
      consents: v.consents ?? [],
      record: record?.toString('hex') ?? null,
      external: external?.toString('hex') ?? null,
      patientId: sealed?.patient.id ?? null,
      lines: sealed
        ? {
            patient: patients.add(copyLine(PATIENT_COPY_COLUMNS.map((c) => sealed.patient[c]))),
            facts: facts.add(copyLine(newPatientFacts(sealed.patient))),
            lookups: lookups.add(
              sealed.lookups.map((l) => `${t}\t${l.kind}\t${l.digest}\t${l.patient_id}\n`).join(''),
            ),
            source: sources.add(
              copyLine([
                t,
                ctx.sourceId,
                record,
                sealed.patient.id,
                external,
                ctx.batchId,
                row.rowNo,
                ctx.now,
                ctx.now,
              ]),
            ),
          }
        : null,
      raw,
    };
  });
  return {
    rows: prepared,
    copy: {
      patients: patients.finish(),
      facts: facts.finish(),
      lookups: lookups.finish(),
      sources: sources.finish(),
    },
  };
}
