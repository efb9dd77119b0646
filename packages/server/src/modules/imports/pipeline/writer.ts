import { sql } from 'kysely';
import { type CopyValue, CopyWriter, type Database, LineSelection, type Tx } from '../../../db/index.ts';
import { type Clock, newId, type Scope } from '../../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../../audit/index.ts';
import { sealJson, type TenantKeys } from '../../crypto/index.ts';
import {
  contactAad,
  derivedColumns,
  identityAad,
  lookupRows,
  type NewPatient,
} from '../../patients/index.ts';
import type { ImportRules } from './person.ts';
import { COPY_TABLES, COPY_TARGETS, type PreparedChunk, personOf, RANGES_PER_ROW } from './prepare.ts';

export interface ChunkCounts {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  partial: number;
  rejected: number;
  /** Consents entered into the ledger from the file. */
  consents: number;
}

export const emptyCounts = (): ChunkCounts => ({
  rows: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  partial: 0,
  rejected: 0,
  consents: 0,
});

export interface BatchContext {
  readonly db: Database;
  readonly clock: Clock;
  readonly keys: TenantKeys;
  readonly scope: Scope;
  readonly sourceId: string;
  readonly batchId: string;
  readonly rules: ImportRules;
  /** MIS ids created earlier in this batch: a card seen twice in one file is one patient. */
  readonly createdIn: Map<string, string>;
  /**
   * Set when the source had no rows before this batch (a clinic's first import): the
   * rows this batch wrote are all that can repeat, so they are remembered here and the
   * database is not asked chunk by chunk.
   */
  readonly firstImport: Set<string> | null;
  /** The clinic's published consent texts by kind: imported consents agree to these. */
  readonly documents: ReadonlyMap<string, { id: string; hash: Buffer }>;
}

/**
 * Writes one chunk of rows: new people are sealed and bulk-loaded with their blind
 * indexes and provenance; a row already imported from this source changes nothing;
 * a known MIS id with new data updates that patient under its own key; every
 * rejected or partial row goes to the quarantine, encrypted. One audit entry per chunk.
 */
export async function writeChunk(ctx: BatchContext, chunk: PreparedChunk): Promise<ChunkCounts> {
  const { db, clock, keys, scope, sourceId, batchId } = ctx;
  const t = scope.tenantId;
  const now = clock.now();
  const counts = emptyCounts();
  const prepared = chunk.rows;
  counts.rows = prepared.length;
  const accepted = prepared.filter((p) => p.record);
  // One round trip: rows this source gave before (their provenance marked as seen again),
  // and the patients behind the MIS ids of this chunk.
  const known = { seen: ctx.firstImport ?? new Set<string>(), byExternal: new Map<string, string>() };
  if (accepted.length > 0 && !ctx.firstImport) {
    const records = accepted.map((a) => Buffer.from(a.record!, 'hex'));
    const externals = accepted.filter((a) => a.external).map((a) => Buffer.from(a.external!, 'hex'));
    const r = await db.tenant(t, (tx) =>
      sql<{ record: Buffer | null; external: Buffer | null; patient_id: string | null }>`
        WITH seen AS (
          UPDATE patient_sources SET last_seen_at = ${now}
           WHERE tenant_id = ${t} AND source_id = ${sourceId} AND record_hmac = ANY (${records}::bytea[])
          RETURNING record_hmac)
        SELECT record_hmac AS record, NULL::bytea AS external, NULL::uuid AS patient_id FROM seen
        UNION ALL
        SELECT NULL, external_hmac, patient_id FROM patient_sources
         WHERE tenant_id = ${t} AND source_id = ${sourceId} AND external_hmac = ANY (${externals}::bytea[])`.execute(
        tx,
      ),
    );
    for (const x of r.rows) {
      if (x.record) known.seen.add(x.record.toString('hex'));
      else if (x.external && x.patient_id) known.byExternal.set(x.external.toString('hex'), x.patient_id);
    }
  }

  const { ranges } = chunk;
  const selected = COPY_TABLES.map((t) => new LineSelection(chunk.copy[t]));
  const quarantine = new CopyWriter();
  const updates: Update[] = [];
  const consents: { patientId: string; kind: string; at: Date }[] = [];
  for (const [i, p] of prepared.entries()) {
    let patientId: string | null = null;
    if (p.record) {
      // A row seen before, in an earlier import or earlier in this chunk, changes nothing.
      if (known.seen.has(p.record)) {
        counts.unchanged++;
        continue;
      }
      known.seen.add(p.record);
      const existing = p.external
        ? (known.byExternal.get(p.external) ?? ctx.createdIn.get(p.external))
        : undefined;
      if (existing) {
        updates.push({
          patientId: existing,
          person: personOf(p),
          record: Buffer.from(p.record, 'hex'),
          external: p.external ? Buffer.from(p.external, 'hex') : null,
          rowNo: p.rowNo,
        });
        patientId = existing;
        counts.updated++;
      } else {
        patientId = p.patientId!;
        if (p.external) ctx.createdIn.set(p.external, patientId);
        for (const [k, lines] of selected.entries()) {
          const at = i * RANGES_PER_ROW + 2 * k;
          lines.take(ranges[at]!, ranges[at + 1]!);
        }
        counts.created++;
      }
    }
    if (patientId) {
      for (const c of p.consents ?? [])
        consents.push({ patientId, kind: c.kind, at: c.at ? new Date(`${c.at}T12:00:00Z`) : now });
    }
    if (p.verdict === 'ok' || !p.raw) continue;
    if (p.verdict === 'partial') counts.partial++;
    else counts.rejected++;
    const row: CopyValue[] = [
      t,
      newId(),
      batchId,
      p.rowNo,
      p.verdict,
      patientId,
      JSON.stringify(p.issues ?? []),
      p.raw.version,
      Buffer.from(p.raw.sealed),
      now,
    ];
    quarantine.values(row);
  }

  // Every reference in these rows is to a patient created in this same load.
  await db.bulkLoad(
    async (copy, load) => {
      for (const [k, name] of COPY_TABLES.entries()) {
        // Where the load skips the triggers that keep segment facts, new patients bring their own.
        if (name === 'facts' && load.triggers) continue;
        const { table, columns } = COPY_TARGETS[name];
        await copy(table, columns, { ...selected[k]!.finish(), format: 'binary' });
      }
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
    },
    { skipTriggers: true },
  );

  await db.tenant(t, async (tx) => {
    if (updates.length > 0) await applyUpdates(tx, keys, sourceId, batchId, now, updates);
    counts.consents = await recordImportedConsents(tx, ctx, consents, now);
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

interface Update {
  patientId: string;
  person: NewPatient;
  record: Buffer;
  external: Buffer | null;
  rowNo: number;
}

/**
 * Newer data for patients known by their MIS id: re-sealed under each patient's own key,
 * with the clear columns and blind indexes that follow from it; set-based (arrays, so any
 * chunk size stays within the protocol's parameter limit).
 */
async function applyUpdates(
  tx: Tx,
  keys: TenantKeys,
  sourceId: string,
  batchId: string,
  now: Date,
  updates: readonly Update[],
): Promise<void> {
  const t = keys.tenantId;
  // The last row of a file for a patient wins.
  const last = new Map(updates.map((u) => [u.patientId, u]));
  const rows = await sql<{ id: string; key_version: number | null; key_wrapped: Buffer | null }>`
    SELECT id, key_version, key_wrapped FROM patients
     WHERE id = ANY (${[...last.keys()]}::uuid[]) AND status = 'active'`.execute(tx);
  const sealed = rows.rows.flatMap((r) => {
    const u = last.get(r.id);
    if (!u || r.key_version === null || r.key_wrapped === null) return [];
    const key = keys.unwrapPatientKey(r.id, r.key_version, r.key_wrapped);
    const { identity, contact, profile } = u.person;
    return [
      {
        id: r.id,
        identity: sealJson(key, identity, identityAad(t, r.id)),
        contact: sealJson(key, contact, contactAad(t, r.id)),
        derived: derivedColumns(u.person),
        sex: profile.sex ?? null,
        city: profile.city ?? null,
        u,
      },
    ];
  });
  if (sealed.length > 0) {
    // A column the file leaves empty keeps what the registry knew (sex, city).
    await sql`
      UPDATE patients p SET identity_enc = v.identity, contact_enc = v.contact,
             birth_year = v.birth_year, birth_md = v.birth_md, has_email = v.has_email, has_phone = v.has_phone,
             sex = coalesce(v.sex, p.sex), city = coalesce(v.city, p.city), updated_at = ${now}
        FROM unnest(${sealed.map((s) => s.id)}::uuid[], ${sealed.map((s) => s.identity)}::bytea[],
                    ${sealed.map((s) => s.contact)}::bytea[], ${sealed.map((s) => s.derived.birth_year)}::int[],
                    ${sealed.map((s) => s.derived.birth_md)}::int[], ${sealed.map((s) => s.derived.has_email)}::bool[],
                    ${sealed.map((s) => s.derived.has_phone)}::bool[], ${sealed.map((s) => s.sex)}::text[],
                    ${sealed.map((s) => s.city)}::text[])
             AS v(id, identity, contact, birth_year, birth_md, has_email, has_phone, sex, city)
       WHERE p.id = v.id`.execute(tx);
    await sql`DELETE FROM patient_lookup WHERE patient_id = ANY (${sealed.map((s) => s.id)}::uuid[])`.execute(
      tx,
    );
    const l = sealed.flatMap((s) => lookupRows(keys, s.id, s.u.person.identity, s.u.person.contact));
    if (l.length > 0)
      await sql`
        INSERT INTO patient_lookup (tenant_id, kind, digest, patient_id)
        SELECT ${t}, * FROM unnest(${l.map((x) => x.kind)}::text[], ${l.map((x) => x.digest)}::int[],
                                   ${l.map((x) => x.patient_id)}::uuid[])`.execute(tx);
  }
  // Every row is provenance, not only the last: re-importing the file finds each one seen.
  const byRecord = new Map(updates.map((u) => [u.record.toString('hex'), u]));
  const u = [...byRecord.values()];
  await sql`
    INSERT INTO patient_sources (tenant_id, source_id, record_hmac, patient_id, external_hmac, batch_id, row_no,
                                 first_seen_at, last_seen_at)
    SELECT ${t}, ${sourceId}, r, pid, ext, ${batchId}, row_no, ${now}, ${now}
      FROM unnest(${u.map((x) => x.record)}::bytea[], ${u.map((x) => x.patientId)}::uuid[],
                  ${u.map((x) => x.external)}::bytea[], ${u.map((x) => x.rowNo)}::int[]) AS v(r, pid, ext, row_no)
    ON CONFLICT DO NOTHING`.execute(tx);
}

/**
 * Consents the MIS recorded enter the ledger as `mis_import` grants of the clinic's
 * published texts, set-based, with the projection updated in the same transaction.
 * A grant no newer than the current state changes nothing, so re-imports add nothing.
 */
async function recordImportedConsents(
  tx: Tx,
  ctx: BatchContext,
  consents: readonly { patientId: string; kind: string; at: Date }[],
  now: Date,
): Promise<number> {
  const rows = consents.flatMap((c) => {
    const doc = ctx.documents.get(c.kind);
    return doc
      ? [{ ...c, doc, id: newId(), channel: c.kind.startsWith('ads.receive.') ? c.kind.slice(12) : null }]
      : [];
  });
  if (rows.length === 0) return 0;
  const r = await sql<{ n: number }>`
    WITH input AS (
      SELECT * FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.patientId)}::uuid[], ${rows.map((r) => r.kind)}::text[],
                           ${rows.map((r) => r.channel)}::text[], ${rows.map((r) => r.doc.id)}::uuid[], ${rows.map((r) => r.doc.hash)}::bytea[],
                           ${rows.map((r) => r.at)}::timestamptz[])
        AS i(id, patient_id, kind, channel, document_id, document_hash, at)
      WHERE NOT EXISTS (SELECT 1 FROM consent_state s WHERE s.patient_id = i.patient_id AND s.kind = i.kind AND s.since >= i.at)
    ), ev AS (
      INSERT INTO consent_events (tenant_id, id, patient_id, kind, channel, event, document_id, document_hash, capture_method, actor, occurred_at, recorded_at)
      SELECT ${ctx.scope.tenantId}, id, patient_id, kind, channel, 'granted', document_id, document_hash, 'mis_import', 'system:import', at, ${now}
      FROM input
      RETURNING id, patient_id, kind, channel, document_id, occurred_at
    ), st AS (
      INSERT INTO consent_state (tenant_id, patient_id, kind, channel, status, since, event_id, document_id)
      SELECT ${ctx.scope.tenantId}, patient_id, kind, channel, 'granted', occurred_at, id, document_id FROM ev
      ON CONFLICT (tenant_id, patient_id, kind) DO UPDATE SET
        status = 'granted', since = EXCLUDED.since, expires_at = NULL, event_id = EXCLUDED.event_id, document_id = EXCLUDED.document_id
      WHERE consent_state.since <= EXCLUDED.since
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM ev`.execute(tx);
  return r.rows[0]?.n ?? 0;
}
