import type { KeyObject } from 'node:crypto';
import { BinaryTuples, type BinaryType } from '../../../db/copy-binary.ts';
import type { DB } from '../../../db/index.ts';
import { TenantKeys } from '../../crypto/index.ts';
import type { FieldIssue } from '../../normalise/index.ts';
import {
  type NewPatient,
  PATIENT_COPY_COLUMNS,
  PATIENT_COPY_TYPES,
  patientTexts,
  sealPatient,
} from '../../patients/index.ts';
import { NEW_PATIENT_FACT_COLUMNS, NEW_PATIENT_FACT_TYPES, newPatientFacts } from '../../segments/facts.ts';
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

/**
 * One row judged, keyed and (when accepted) sealed, ready for the database. It crosses
 * from a worker thread by structured clone, so it stays flat: a handful of strings.
 */
export interface PreparedRow {
  readonly rowNo: number;
  readonly verdict: RowVerdict['verdict'];
  /** Left out when there are none, as for most rows. */
  readonly issues?: readonly { field: string; reason: string; severity: string }[];
  readonly consents?: readonly ImportedConsent[];
  /**
   * The accepted person as the JSON `[identity, contact, profile]` that `record` is a hash of;
   * parsed only where the row updates a patient known by its MIS id.
   */
  readonly person: string | null;
  /** HMAC of the row's content within the source: the same row again changes nothing. */
  readonly record: string | null;
  /** HMAC of the MIS id within the source. */
  readonly external: string | null;
  /** A new patient's id, used unless the row turns out to be known. */
  readonly patientId: string | null;
  /** The row as read, sealed under the tenant key, for the quarantine. */
  readonly raw: { version: number; sealed: Uint8Array } | null;
}

/** The person of an accepted row, back from its JSON. */
export function personOf(row: PreparedRow): NewPatient {
  const [identity, contact, profile] = JSON.parse(row.person!) as [
    NewPatient['identity'],
    NewPatient['contact'],
    NewPatient['profile'],
  ];
  return { identity, contact, profile };
}

/** The COPY tables a chunk renders, in the order of each row's ranges. */
export const COPY_TABLES = ['patients', 'facts', 'lookups', 'sources'] as const;

/**
 * What each is loaded into, as binary COPY tuples: the ciphertexts, ids and timestamps travel
 * as bytes, and the server skips parsing their text (patients load in 4 µs a row, not 10).
 */
export const COPY_TARGETS = {
  patients: { table: 'patients', columns: PATIENT_COPY_COLUMNS, types: PATIENT_COPY_TYPES },
  facts: { table: 'patient_facts', columns: NEW_PATIENT_FACT_COLUMNS, types: NEW_PATIENT_FACT_TYPES },
  lookups: {
    table: 'patient_lookup',
    columns: ['tenant_id', 'kind', 'digest', 'patient_id'],
    types: ['uuid', 'text', 'int4', 'uuid'],
  },
  sources: {
    table: 'patient_sources',
    columns: [
      'tenant_id',
      'source_id',
      'record_hmac',
      'patient_id',
      'external_hmac',
      'batch_id',
      'row_no',
      'first_seen_at',
      'last_seen_at',
    ],
    types: ['uuid', 'uuid', 'bytea', 'uuid', 'bytea', 'uuid', 'int4', 'timestamptz', 'timestamptz'],
  },
} as const satisfies Record<
  (typeof COPY_TABLES)[number],
  { table: keyof DB & string; columns: readonly string[]; types: readonly BinaryType[] }
>;

/** Per row, a [start, end) byte range in each table's text: row i, table k at i·RANGES_PER_ROW + 2k. */
export const RANGES_PER_ROW = 2 * COPY_TABLES.length;

/**
 * A chunk prepared: its rows, and the binary COPY tuples of its new patients rendered per table.
 * `ranges` holds each row's byte ranges (`RANGES_PER_ROW`; empty when the row has none). The buffers are transferred from a worker thread whole.
 */
export interface PreparedChunk {
  readonly rows: readonly PreparedRow[];
  readonly copy: Readonly<Record<(typeof COPY_TABLES)[number], Uint8Array<ArrayBuffer>>>;
  readonly ranges: Int32Array<ArrayBuffer>;
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

/** The CPU-heavy part of importing a chunk: validation, normalisation, keyed hashes, encryption. */
export function prepareRows(ctx: PrepareContext, rows: readonly ImportRow[]): PreparedChunk {
  const keys = TenantKeys.fromMaterial(ctx.tenantId, ctx.keys);
  const t = ctx.tenantId;
  const out = COPY_TABLES.map(() => new BinaryTuples());
  const [patients, facts, lookups, sources] = out as [BinaryTuples, BinaryTuples, BinaryTuples, BinaryTuples];
  const ranges = new Int32Array(rows.length * RANGES_PER_ROW);
  const prepared = rows.map((row, i): PreparedRow => {
    const v = judge(row, ctx.rules);
    const accepted = v.person ? { person: v.person, texts: patientTexts(v.person) } : null;
    // A stable text of the person (`JSON.stringify([identity, contact, profile])`, built from
    // the texts that are sealed), so a row seen before is recognised whatever its row number.
    const person = accepted
      ? `[${accepted.texts.identity},${accepted.texts.contact},${JSON.stringify(accepted.person.profile)}]`
      : null;
    const record = person ? sourceKey(keys, 'import-row', ctx.sourceId, person) : null;
    const external = v.externalId ? sourceKey(keys, 'external', ctx.sourceId, v.externalId) : null;
    const sealed = accepted
      ? sealPatient(keys, { ...accepted.person, createdAt: ctx.now }, ctx.now, accepted.texts)
      : null;
    if (sealed) {
      const p = sealed.patient;
      // In COPY_TABLES order, each table's byte range recorded around its write.
      const writes = [
        () =>
          patients.add(
            PATIENT_COPY_TYPES,
            PATIENT_COPY_COLUMNS.map((c) => p[c]),
          ),
        () => facts.add(NEW_PATIENT_FACT_TYPES, newPatientFacts(p)),
        () => {
          for (const l of sealed.lookups)
            lookups.add(COPY_TARGETS.lookups.types, [t, l.kind, l.digest, l.patient_id]);
        },
        () =>
          sources.add(COPY_TARGETS.sources.types, [
            t,
            ctx.sourceId,
            record,
            p.id,
            external,
            ctx.batchId,
            row.rowNo,
            ctx.now,
            ctx.now,
          ]),
      ];
      for (const [k, write] of writes.entries()) {
        const at = i * RANGES_PER_ROW + 2 * k;
        ranges[at] = out[k]!.length;
        write();
        ranges[at + 1] = out[k]!.length;
      }
    }
    return {
      rowNo: row.rowNo,
      verdict: v.verdict,
      ...(v.issues.length > 0
        ? { issues: v.issues.map((i) => ({ field: i.field, reason: i.reason, severity: i.severity })) }
        : {}),
      ...(v.consents && v.consents.length > 0 ? { consents: v.consents } : {}),
      person,
      record: record?.toString('hex') ?? null,
      external: external?.toString('hex') ?? null,
      patientId: sealed?.patient.id ?? null,
      raw:
        v.verdict === 'ok'
          ? null
          : keys.sealForTenant(
              Buffer.from(JSON.stringify(row.raw)),
              `${t}/import/${ctx.batchId}/${row.rowNo}`,
            ),
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
    ranges,
  };
}
