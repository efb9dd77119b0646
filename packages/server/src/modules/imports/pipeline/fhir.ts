import type { Tx } from '../../../db/index.ts';
import { newId } from '../../../kernel/index.ts';
import { sealJson } from '../../crypto/index.ts';
import type { FhirReader } from '../fhir-reader.ts';
import type { FhirCondition, FhirEncounter } from '../fhir-types.ts';
import type { ImportRow } from '../rows.ts';
import { type PreparedChunk, sourceKey } from './prepare.ts';
import { type BatchContext, type ChunkCounts, writeChunk } from './writer.ts';

const CHUNK = 2_000;

/** A stable id from a source's own resource id, so re-importing a bundle inserts nothing twice. */
function stableId(mac: Buffer): string {
  const b = Buffer.from(mac.subarray(0, 16));
  b[6] = 0x80 | (b[6]! & 0x0f); // UUIDv8: custom
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * FHIR R4: patients go through the same validation, quarantine and provenance as
 * table rows (their resource id as the MIS id); encounters become visits and
 * conditions become encrypted clinical records of those patients. Practitioners and
 * appointments are counted, not imported, and so are resources that cannot be read.
 */
export async function importFhir(
  ctx: BatchContext,
  reader: FhirReader,
  prepare: (rows: ImportRow[]) => Promise<PreparedChunk>,
  add: (c: ChunkCounts) => void,
  progress: (rows: number) => void,
): Promise<{ visits: number; conditions: number; skipped: number }> {
  let chunk: ImportRow[] = [];
  let rows = 0;
  let skipped = 0;
  const encounters: FhirEncounter[] = [];
  const conditions: FhirCondition[] = [];
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    add(await writeChunk(ctx, await prepare(chunk)));
    rows += chunk.length;
    chunk = [];
    progress(rows);
  };
  for await (const item of reader) {
    if (item.kind === 'patient') {
      const deceased = item.deceased !== undefined && item.deceased !== false;
      chunk.push({
        rowNo: item.index,
        line: item.index,
        fields: item.fields,
        raw: { resourceType: 'Patient', id: item.id ?? '' },
        problems: deceased
          ? [{ rowNo: item.index, code: 'deceased' as never, message: 'The patient is deceased.' }]
          : [],
      });
    } else if (item.kind === 'problem') {
      chunk.push({
        rowNo: item.index,
        line: item.index,
        fields: {},
        raw: { resourceType: item.resourceType ?? '', id: item.id ?? '' },
        problems: [{ rowNo: item.index, code: item.code as never, message: item.message }],
      });
    } else if (item.kind === 'encounter') encounters.push(item);
    else if (item.kind === 'condition') conditions.push(item);
    else skipped++;
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  const { visits, conditions: written } = await ctx.db.tenant(ctx.scope.tenantId, (tx) =>
    clinicalRecords(tx, ctx, encounters, conditions),
  );
  return {
    visits,
    conditions: written,
    skipped: skipped + (encounters.length - visits) + (conditions.length - written),
  };
}

async function clinicalRecords(
  tx: Tx,
  ctx: BatchContext,
  encounters: readonly FhirEncounter[],
  conditions: readonly FhirCondition[],
): Promise<{ visits: number; conditions: number }> {
  const { keys, sourceId, scope } = ctx;
  const t = scope.tenantId;
  const refs = [
    ...new Set(
      [...encounters, ...conditions].map((r) => r.patient?.id).filter((x): x is string => Boolean(x)),
    ),
  ];
  if (refs.length === 0) return { visits: 0, conditions: 0 };
  const byHmac = new Map(refs.map((id) => [sourceKey(keys, 'external', sourceId, id).toString('hex'), id]));
  const found = await tx
    .selectFrom('patient_sources as s')
    .innerJoin('patients as p', (j) =>
      j.onRef('p.tenant_id', '=', 's.tenant_id').onRef('p.id', '=', 's.patient_id'),
    )
    .select(['s.external_hmac', 'p.id', 'p.key_version', 'p.key_wrapped'])
    .where('s.source_id', '=', sourceId)
    .where(
      's.external_hmac',
      'in',
      [...byHmac.keys()].map((h) => Buffer.from(h, 'hex')),
    )
    .where('p.status', '=', 'active')
    .execute();
  const patientOf = new Map(found.map((f) => [byHmac.get(f.external_hmac!.toString('hex'))!, f]));
  const branch = await defaultBranch(tx, t);
  const visitRows = encounters.flatMap((e) => {
    const p = e.patient && patientOf.get(e.patient.id);
    if (!p || !e.start || !e.id) return [];
    return [
      {
        tenant_id: t,
        id: stableId(keys.mac('fhir-encounter', `${sourceId}|${e.id}`)),
        patient_id: p.id,
        branch_id: branch,
        visited_at: new Date(e.start),
      },
    ];
  });
  for (let i = 0; i < visitRows.length; i += CHUNK) {
    await tx
      .insertInto('visits')
      .values(visitRows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const now = ctx.clock.now();
  const conditionRows = conditions.flatMap((c) => {
    const p = c.patient && patientOf.get(c.patient.id);
    if (!p || !c.code || !c.id || p.key_version === null || p.key_wrapped === null) return [];
    const id = stableId(keys.mac('fhir-condition', `${sourceId}|${c.id}`));
    const key = keys.unwrapPatientKey(p.id, p.key_version, p.key_wrapped);
    return [
      {
        tenant_id: t,
        id,
        patient_id: p.id,
        visit_id: c.encounter?.id
          ? stableId(keys.mac('fhir-encounter', `${sourceId}|${c.encounter.id}`))
          : null,
        code_enc: sealJson(key, c.code, `${t}/${p.id}/condition/${id}`),
        onset: c.onset && /^\d{4}-\d{2}-\d{2}/.test(c.onset) ? c.onset.slice(0, 10) : null,
        clinical_status: c.clinicalStatus ?? null,
        recorded_at: c.recordedDate ? new Date(c.recordedDate) : now,
        batch_id: ctx.batchId,
      },
    ];
  });
  for (let i = 0; i < conditionRows.length; i += CHUNK) {
    await tx
      .insertInto('patient_conditions')
      .values(conditionRows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return { visits: visitRows.length, conditions: conditionRows.length };
}

/** Visits need a branch: the tenant's first one, or a main branch made for imports. */
async function defaultBranch(tx: Tx, tenantId: string): Promise<string> {
  const b = await tx
    .selectFrom('branches')
    .select('id')
    .orderBy('created_at')
    .orderBy('code')
    .limit(1)
    .executeTakeFirst();
  if (b) return b.id;
  const t = await tx
    .selectFrom('tenants')
    .select(['name', 'time_zone'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const id = newId();
  await tx
    .insertInto('branches')
    .values({
      tenant_id: tenantId,
      id,
      code: 'main',
      name_ru: t.name,
      name_en: t.name,
      time_zone: t.time_zone,
    })
    .execute();
  return id;
}
