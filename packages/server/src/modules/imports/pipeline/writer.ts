import { sql } from 'kysely';
import { type CopyValue, CopyWriter, type Database } from '../../../db/index.ts';
import { type Clock, newId, type Scope } from '../../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../../audit/index.ts';
import { sealJson, type TenantKeys } from '../../crypto/index.ts';
import {
  contactAad,
  identityAad,
  lookupValues,
  type NewPatient,
  PATIENT_COPY_COLUMNS,
} from '../../patients/index.ts';
import type { ImportRules } from './person.ts';
import type { PreparedRow } from './prepare.ts';

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
  /** The clinic's published consent texts by kind: imported consents agree to these. */
  readonly documents: ReadonlyMap<string, { id: string; hash: Buffer }>;
}

/**
 * Writes one chunk of rows: new people are sealed and bulk-loaded with their blind
 * indexes and provenance; a row already imported from this source changes nothing;
 * a known MIS id with new data updates that patient under its own key; every
 * rejected or partial row goes to the quarantine, encrypted. One audit entry per chunk.
 */
export async function writeChunk(ctx: BatchContext, prepared: readonly PreparedRow[]): Promise<ChunkCounts> {
  const { db, clock, keys, scope, sourceId, batchId } = ctx;
  const t = scope.tenantId;
  const now = clock.now();
  const counts = emptyCounts();
  counts.rows = prepared.length;
  const accepted = prepared.filter((p) => p.person && p.record);
  const known = await db.tenant(t, async (tx) => {
    if (accepted.length === 0) return { seen: new Set<string>(), byExternal: new Map<string, string>() };
    const seen = await tx
      .selectFrom('patient_sources')
      .select('record_hmac')
      .where('source_id', '=', sourceId)
      .where(
        'record_hmac',
        'in',
        accepted.map((a) => Buffer.from(a.record!, 'hex')),
      )
      .execute();
    const externals = accepted.filter((a) => a.external).map((a) => Buffer.from(a.external!, 'hex'));
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
  const updates: Update[] = [];
  const consents: { patientId: string; kind: string; at: Date }[] = [];
  for (const p of prepared) {
    let patientId: string | null = null;
    if (p.person && p.record) {
      if (known.seen.has(p.record)) {
        counts.unchanged++;
        continue;
      }
      const existing = p.external
        ? (known.byExternal.get(p.external) ?? ctx.createdIn.get(p.external))
        : undefined;
      const record = Buffer.from(p.record, 'hex');
      const external = p.external ? Buffer.from(p.external, 'hex') : null;
      if (existing) {
        updates.push({ patientId: existing, person: p.person, record, external, rowNo: p.rowNo });
        patientId = existing;
        counts.updated++;
      } else {
        patientId = p.patientId!;
        if (p.external) ctx.createdIn.set(p.external, patientId);
        patients.line(p.patientLine!);
        if (p.lookupLines) lookups.line(p.lookupLines);
        sources.values([t, sourceId, record, patientId, external, batchId, p.rowNo, now, now]);
        counts.created++;
      }
    }
    if (patientId) {
      for (const c of p.consents)
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
      JSON.stringify(p.issues),
      p.raw.version,
      Buffer.from(p.raw.sealed),
      now,
    ];
    quarantine.values(row);
  }

  // Every reference in these rows is to a patient created in this same load.
  await db.bulkLoad(
    async (copy) => {
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

/**
 * Consents the MIS recorded enter the ledger as `mis_import` grants of the clinic's
 * published texts, set-based, with the projection updated in the same transaction.
 * A grant no newer than the current state changes nothing, so re-imports add nothing.
 */
async function recordImportedConsents(
  tx: Parameters<Parameters<Database['tenant']>[1]>[0],
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
