import { sql } from 'kysely';
import { type CopyValue, CopyWriter, type Database } from '../../../db/index.ts';
import { type Clock, newId, type Scope } from '../../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../../audit/index.ts';
import { sealJson, type TenantKeys } from '../../crypto/index.ts';
import type { FieldIssue } from '../../normalise/index.ts';
import {
  contactAad,
  identityAad,
  lookupValues,
  type NewPatient,
  PATIENT_COPY_COLUMNS,
  sealPatient,
} from '../../patients/index.ts';
import type { ImportRow } from '../rows.ts';
import { type ImportRules, personFromRow, type RowVerdict } from './person.ts';

export interface ChunkCounts {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  partial: number;
  rejected: number;
}

export const emptyCounts = (): ChunkCounts => ({
  rows: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  partial: 0,
  rejected: 0,
});

export interface BatchContext {
  readonly db: Database;
  readonly clock: Clock;
  readonly keys: TenantKeys;
  readonly scope: Scope;
  readonly sourceId: string;
  readonly batchId: string;
  readonly rules: ImportRules;
}

/** A stable text of the person, so a row seen before is recognised whatever its row number. */
const canonical = (p: NewPatient): string => JSON.stringify([p.identity, p.contact, p.profile]);

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
 * Writes one chunk of rows: new people are sealed and bulk-loaded with their blind
 * indexes and provenance; a row already imported from this source changes nothing;
 * a known MIS id with new data updates that patient under its own key; every
 * rejected or partial row goes to the quarantine, encrypted. One audit entry per chunk.
 */
export async function writeChunk(ctx: BatchContext, rows: readonly ImportRow[]): Promise<ChunkCounts> {
  const { db, clock, keys, scope, sourceId, batchId } = ctx;
  const t = scope.tenantId;
  const now = clock.now();
  const counts = emptyCounts();
  counts.rows = rows.length;
  const judged = rows.map((row) => {
    const v = judge(row, ctx.rules);
    return {
      row,
      v,
      record: v.person ? keys.mac('import-row', `${sourceId}|${canonical(v.person)}`) : null,
      external: v.externalId ? keys.mac('external', `${sourceId}|${v.externalId}`) : null,
    };
  });
  const accepted = judged.filter((j) => j.v.person);
  const known = await db.tenant(t, async (tx) => {
    if (accepted.length === 0) return { seen: new Set<string>(), byExternal: new Map<string, string>() };
    const seen = await tx
      .selectFrom('patient_sources')
      .select('record_hmac')
      .where('source_id', '=', sourceId)
      .where(
        'record_hmac',
        'in',
        accepted.map((a) => a.record!),
      )
      .execute();
    const externals = accepted.filter((a) => a.external).map((a) => a.external!);
    const ext = externals.length
      ? await tx
          .selectFrom('patient_sources')
          .select(['external_hmac', 'patient_id'])
          .where('source_id', '=', sourceId)
          .where('external_hmac', 'in', externals)
          .execute()
      : [];
    if (seen.length > 0) {
      await tx
        .updateTable('patient_sources')
        .set({ last_seen_at: now })
        .where('source_id', '=', sourceId)
        .where(
          'record_hmac',
          'in',
          seen.map((s) => s.record_hmac),
        )
        .execute();
    }
    return {
      seen: new Set(seen.map((s) => s.record_hmac.toString('hex'))),
      byExternal: new Map(ext.map((e) => [e.external_hmac!.toString('hex'), e.patient_id])),
    };
  });

  const patients = new CopyWriter();
  const lookups = new CopyWriter();
  const sources = new CopyWriter();
  const quarantine = new CopyWriter();
  const updates: {
    patientId: string;
    person: NewPatient;
    record: Buffer;
    external: Buffer | null;
    rowNo: number;
  }[] = [];
  const createdIn = new Map<string, string>(); // a MIS id seen twice in one file is one patient
  for (const j of judged) {
    let patientId: string | null = null;
    if (j.v.person && j.record) {
      if (known.seen.has(j.record.toString('hex'))) {
        counts.unchanged++;
        continue;
      }
      const ext = j.external?.toString('hex');
      const existing = ext ? (known.byExternal.get(ext) ?? createdIn.get(ext)) : undefined;
      if (existing) {
        updates.push({
          patientId: existing,
          person: j.v.person,
          record: j.record,
          external: j.external,
          rowNo: j.row.rowNo,
        });
        patientId = existing;
        counts.updated++;
      } else {
        const sealed = sealPatient(keys, { ...j.v.person, createdAt: now }, now);
        patientId = sealed.patient.id;
        if (ext) createdIn.set(ext, patientId);
        patients.values(PATIENT_COPY_COLUMNS.map((c) => sealed.patient[c]));
        for (const l of sealed.lookups) lookups.line(`${t}\t${l.kind}\t${l.digest}\t${patientId}\n`);
        sources.values([t, sourceId, j.record, patientId, j.external, batchId, j.row.rowNo, now, now]);
        counts.created++;
      }
    }
    if (j.v.verdict === 'ok') continue;
    if (j.v.verdict === 'partial') counts.partial++;
    else counts.rejected++;
    const id = newId();
    const raw = keys.sealForTenant(
      Buffer.from(JSON.stringify(j.row.raw)),
      `${t}/import/${batchId}/${j.row.rowNo}`,
    );
    const issues = j.v.issues.map((i) => ({ field: i.field, reason: i.reason, severity: i.severity }));
    const row: CopyValue[] = [
      t,
      id,
      batchId,
      j.row.rowNo,
      j.v.verdict,
      patientId,
      JSON.stringify(issues),
      raw.version,
      raw.sealed,
      now,
    ];
    quarantine.values(row);
  }

  await db.bulkLoad(async (copy) => {
    await copy('patients', PATIENT_COPY_COLUMNS, patients.finish());
    await copy('patient_lookup', ['tenant_id', 'kind', 'digest', 'patient_id'], lookups.finish());
    await copy(
      'patient_sources',
      [
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
      sources.finish(),
    );
    await copy(
      'import_quarantine',
      [
        'tenant_id',
        'id',
        'batch_id',
        'row_no',
        'verdict',
        'patient_id',
        'issues',
        'key_version',
        'raw_enc',
        'created_at',
      ],
      quarantine.finish(),
    );
  });
  await db.tenant(t, async (tx) => {
    if (updates.length > 0) await applyUpdates(tx, keys, sourceId, batchId, now, updates);
    await appendAudit(tx, clock, auditContextOf(scope), [
      {
        action: 'import.chunk',
        outcome: 'done',
        subjectType: 'import_batch',
        subjectId: batchId,
        details: { ...counts },
      },
    ]);
  });
  return counts;
}

/** Newer data for patients known by their MIS id: re-sealed under each patient's own key, set-based. */
async function applyUpdates(
  tx: Parameters<Parameters<Database['tenant']>[1]>[0],
  keys: TenantKeys,
  sourceId: string,
  batchId: string,
  now: Date,
  updates: {
    patientId: string;
    person: NewPatient;
    record: Buffer;
    external: Buffer | null;
    rowNo: number;
  }[],
): Promise<void> {
  const t = keys.tenantId;
  // The last row of a file for a patient wins.
  const last = new Map(updates.map((u) => [u.patientId, u]));
  const rows = await tx
    .selectFrom('patients')
    .select(['id', 'key_version', 'key_wrapped'])
    .where('id', 'in', [...last.keys()])
    .where('status', '=', 'active')
    .execute();
  const sealed = rows.flatMap((r) => {
    const u = last.get(r.id);
    if (!u || r.key_version === null || r.key_wrapped === null) return [];
    const key = keys.unwrapPatientKey(r.id, r.key_version, r.key_wrapped);
    return [
      {
        id: r.id,
        identity: sealJson(key, u.person.identity, identityAad(t, r.id)),
        contact: sealJson(key, u.person.contact, contactAad(t, r.id)),
        u,
      },
    ];
  });
  if (sealed.length === 0) return;
  await sql`
    UPDATE patients p SET identity_enc = v.identity, contact_enc = v.contact, updated_at = ${now}
    FROM (SELECT unnest(${sealed.map((s) => s.id)}::uuid[]) id, unnest(${sealed.map((s) => s.identity)}::bytea[]) identity,
                 unnest(${sealed.map((s) => s.contact)}::bytea[]) contact) v
    WHERE p.id = v.id`.execute(tx);
  await tx
    .deleteFrom('patient_lookup')
    .where(
      'patient_id',
      'in',
      sealed.map((s) => s.id),
    )
    .execute();
  const lookups = sealed.flatMap((s) => {
    const seen = new Set<string>();
    return lookupValues(s.u.person.identity, s.u.person.contact).flatMap(([kind, value]) => {
      const digest = keys.blind(kind, value);
      const k = `${kind}:${digest}`;
      if (seen.has(k)) return [];
      seen.add(k);
      return [{ tenant_id: t, kind, digest, patient_id: s.id }];
    });
  });
  if (lookups.length > 0) await tx.insertInto('patient_lookup').values(lookups).execute();
  await tx
    .insertInto('patient_sources')
    .values(
      sealed.map((s) => ({
        tenant_id: t,
        source_id: sourceId,
        record_hmac: s.u.record,
        patient_id: s.id,
        external_hmac: s.u.external,
        batch_id: batchId,
        row_no: s.u.rowNo,
        first_seen_at: now,
        last_seen_at: now,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}
