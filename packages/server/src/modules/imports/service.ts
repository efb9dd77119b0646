import type { ImportField } from '@careloop/contracts';
import { AppError, actorId, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { requireClasses } from '../policy/index.ts';
import { type MappingSpec, mappingFromJson, mappingToJson, toMappingSpec } from './mapping.ts';
import { openImport } from './open.ts';
import { importFhir } from './pipeline/fhir.ts';
import { DEFAULT_RULES, type ImportRules } from './pipeline/person.ts';
import { PreparePool } from './pipeline/pool.ts';
import type { PreparedChunk } from './pipeline/prepare.ts';
import {
  dismissQuarantined,
  fixQuarantined,
  listQuarantine,
  type QuarantineItem,
} from './pipeline/quarantine.ts';
import { type ChunkCounts, emptyCounts, writeChunk } from './pipeline/writer.ts';
import type { ImportRow } from './rows.ts';
import type { ImportSource } from './source.ts';
import { previewTabular, type TabularOptions } from './tabular.ts';

/** A named source of imports (an MIS, a spreadsheet) with the column mapping saved for it. */
interface SavedSource {
  readonly id: string;
  readonly mapping: MappingSpec | null;
}

export interface ImportInput {
  readonly source: ImportSource;
  readonly fileName: string;
  /** The system the file came from; its saved mapping is reused. */
  readonly sourceName?: string;
  readonly mapping?: string | MappingSpec;
  /** Keep the mapping used for the next file from this source. */
  readonly saveMapping?: boolean;
  readonly encoding?: TabularOptions['encoding'];
  readonly onProgress?: (rows: number, bytes: number) => void;
  /** Compare the batch's patients against the base afterwards (identity resolution). */
  readonly resolveIdentities?: boolean;
}

/** What identity resolution made of a batch: pairs merged and pairs queued for review. */
export interface BatchResolution {
  readonly mode: 'full' | 'incremental';
  readonly merged: number;
  readonly queued: number;
}

export interface ImportReport extends ChunkCounts {
  readonly batchId: string;
  readonly sourceId: string;
  readonly format: string;
  readonly encoding: string | null;
  readonly delimiter: string | null;
  readonly columns: readonly { name: string; field: string | null }[];
  readonly quarantined: number;
  readonly visits: number;
  readonly conditions: number;
  readonly skippedResources: number;
  readonly identity?: BatchResolution;
}

const CHUNK = 5_000;
/** The tables an import grows, whose statistics it keeps current. */
const LOADED_TABLES = [
  'patients',
  'patient_lookup',
  'patient_sources',
  'patient_facts',
  'consent_state',
] as const;
/** Chunks read ahead of the database: enough to keep both the workers and the writer busy. */
const WRITE_AHEAD = 6;

/** Imports files from the clinic's systems into the patient registry. */
export class ImportService {
  readonly #deps: ModuleDeps;
  readonly #resolve: ((scope: Scope, batchId: string) => Promise<BatchResolution>) | undefined;
  /** `resolve` runs identity resolution for a finished batch (wired by the composition root). */
  constructor(
    deps: ModuleDeps,
    hooks: { resolve?: (scope: Scope, batchId: string) => Promise<BatchResolution> } = {},
  ) {
    this.#deps = deps;
    this.#resolve = hooks.resolve;
  }

  async #source(scope: Scope, name: string): Promise<SavedSource> {
    return this.#deps.db.tenant(scope.tenantId, async (tx) => {
      const found = await tx
        .selectFrom('import_sources')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      if (found)
        return {
          id: found.id,
          mapping: found.mapping ? mappingFromJson(JSON.stringify(found.mapping)) : null,
        };
      const id = newId();
      await tx
        .insertInto('import_sources')
        .values({ tenant_id: scope.tenantId, id, name, created_by: actorId(scope.actor) })
        .execute();
      return { id, mapping: null };
    });
  }

  async #rules(scope: Scope): Promise<ImportRules> {
    const s = await this.#deps.db.tenant(scope.tenantId, (tx) =>
      tx
        .selectFrom('tenants')
        .select('settings')
        .where('tenant_id', '=', scope.tenantId)
        .executeTakeFirstOrThrow(),
    );
    const configured = (s.settings as { import?: Partial<ImportRules> }).import ?? {};
    return { ...DEFAULT_RULES, ...configured, today: this.#deps.clock.now() };
  }

  /**
   * Runs one import: every row ends up created, updated, unchanged or in the
   * quarantine with its reasons. Memory stays flat: rows stream in chunks.
   */
  async run(scope: Scope, input: ImportInput): Promise<ImportReport> {
    requireImporter(scope);
    requireClasses(scope, 'write', ['identity', 'contact', 'demographic']);
    const source = await this.#source(scope, input.sourceName ?? 'default');
    // Two imports from one source at once would race over its provenance: one runs.
    const lock = await this.#deps.db.tryLock(`import:${scope.tenantId}:${source.id}`);
    if (!lock) throw new AppError('IMPORT_SOURCE_BUSY');
    try {
      return await this.#import(scope, input, source);
    } finally {
      await lock.release();
    }
  }

  async #import(scope: Scope, input: ImportInput, source: SavedSource): Promise<ImportReport> {
    const { db, clock, vault } = this.#deps;
    // The source's saved mapping applies unless this run names one (FHIR ignores mappings).
    const mapping = input.mapping ?? source.mapping;
    const reader = await openImport(input.source, {
      fileName: input.fileName,
      ...(mapping ? { mapping } : {}),
      ...(input.encoding ? { encoding: input.encoding } : {}),
    });
    const batchId = newId();
    const keys = await db.tenant(scope.tenantId, (tx) => vault.forTenant(tx, scope.tenantId));
    const meta = reader.kind === 'tabular' ? reader.reader.meta : null;
    await db.tenant(scope.tenantId, async (tx) => {
      // Under the source's lock, a batch still running was cut off with the process that ran it.
      await tx
        .updateTable('import_batches')
        .set({ status: 'failed', error: 'interrupted', finished_at: clock.now() })
        .where('source_id', '=', source.id)
        .where('status', '=', 'running')
        .execute();
      await tx
        .insertInto('import_batches')
        .values({
          tenant_id: scope.tenantId,
          id: batchId,
          source_id: source.id,
          file_name: input.fileName.slice(-200),
          file_digest: null,
          format: meta?.format ?? reader.reader.meta.format,
          encoding: meta?.encoding?.encoding ?? null,
          delimiter: meta?.delimiter?.delimiter ?? null,
          created_by: actorId(scope.actor),
          started_at: clock.now(),
        })
        .execute();
    });
    const rules = await this.#rules(scope);
    // Consents in the file agree to the clinic's published texts.
    const documents = await db.tenant(scope.tenantId, async (tx) => {
      const docs = await tx
        .selectFrom('consent_documents')
        .select(['id', 'kind', 'body_hash'])
        .where('status', '=', 'published')
        .where('locale', '=', 'ru')
        .execute();
      return new Map(docs.map((d) => [d.kind, { id: d.id, hash: d.body_hash }]));
    });
    const firstImport = await db.tenant(scope.tenantId, (tx) =>
      tx
        .selectFrom('patient_sources')
        .select('source_id')
        .where('source_id', '=', source.id)
        .limit(1)
        .execute(),
    );
    const ctx = {
      db,
      clock,
      keys,
      scope,
      sourceId: source.id,
      batchId,
      rules,
      createdIn: new Map<string, string>(),
      firstImport: firstImport.length === 0 ? new Set<string>() : null,
      documents,
    };
    const pool = new PreparePool({
      tenantId: scope.tenantId,
      sourceId: source.id,
      batchId,
      rules,
      keys: keys.material(),
      now: clock.now(),
    });
    // Chunks are prepared on worker threads and written in order by one chain of writes,
    // while the file goes on being read; reading waits only when WRITE_AHEAD chunks queue.
    const inflight = new Set<Promise<PreparedChunk>>();
    const queued: Promise<void>[] = [];
    let writing: Promise<void> = Promise.resolve();
    // The planner needs statistics that keep up with a load into small tables: refreshed
    // each time this import has doubled what it wrote (a sample), beside the next writes.
    let analyseAt = CHUNK;
    let analysing: Promise<void> = Promise.resolve();
    const write = (prepared: Promise<PreparedChunk>): void => {
      inflight.add(prepared);
      // A chunk that fails to prepare is reported by the write that awaits it, in its turn.
      prepared.catch(() => undefined);
      writing = writing.then(async () => {
        add(await writeChunk(ctx, await prepared));
        inflight.delete(prepared);
        if (total.created + total.updated >= analyseAt) {
          analyseAt *= 2;
          await analysing;
          analysing = db.analyze(LOADED_TABLES);
          analysing.catch(() => undefined);
        }
      });
      // Awaited below; this only keeps a failure from counting as unhandled before then.
      writing.catch(() => undefined);
      queued.push(writing);
    };
    const total = emptyCounts();
    const add = (c: ChunkCounts): void => {
      for (const k of Object.keys(total) as (keyof ChunkCounts)[]) total[k] += c[k];
    };
    let extra = { visits: 0, conditions: 0, skipped: 0 };
    try {
      if (reader.kind === 'tabular') {
        let chunk: ImportRow[] = [];
        for await (const row of reader.reader) {
          chunk.push(row);
          if (chunk.length >= CHUNK) {
            write(pool.prepare(chunk));
            chunk = [];
            if (queued.length > WRITE_AHEAD) await queued.shift();
            input.onProgress?.(total.rows, reader.reader.bytesRead);
          }
        }
        if (chunk.length > 0) write(pool.prepare(chunk));
        await writing;
        await analysing;
        input.onProgress?.(total.rows, reader.reader.bytesRead);
      } else {
        extra = await importFhir(
          ctx,
          reader.reader,
          (rows) => pool.prepare(rows),
          add,
          (n) => input.onProgress?.(n, reader.reader.bytesRead),
        );
      }
    } catch (e) {
      await db.tenant(scope.tenantId, (tx) =>
        tx
          .updateTable('import_batches')
          .set({
            status: 'failed',
            error: (e as Error).message.slice(0, 500),
            finished_at: clock.now(),
            counts: JSON.stringify(total),
          })
          .where('id', '=', batchId)
          .execute(),
      );
      throw e;
    } finally {
      await Promise.allSettled([...inflight, writing, analysing]);
      await pool.close();
      await reader.reader.close();
    }
    const counts = { ...total, quarantined: total.partial + total.rejected, ...extra };
    await db.tenant(scope.tenantId, async (tx) => {
      await tx
        .updateTable('import_batches')
        .set({ status: 'completed', finished_at: clock.now(), counts: JSON.stringify(counts) })
        .where('id', '=', batchId)
        .execute();
      if (meta && input.saveMapping) {
        await tx
          .updateTable('import_sources')
          .set({ mapping: mappingToJson(toMappingSpec(meta.mapping)) })
          .where('id', '=', source.id)
          .execute();
      }
      await appendAudit(tx, clock, auditContextOf(scope), [
        {
          action: 'import.completed',
          outcome: 'done',
          subjectType: 'import_batch',
          subjectId: batchId,
          details: counts,
        },
      ]);
    });
    if (total.created + total.updated > 10_000) await db.settle(LOADED_TABLES);
    const identity =
      input.resolveIdentities && this.#resolve && total.created + total.updated > 0
        ? await this.#resolve(scope, batchId)
        : undefined;
    return {
      ...(identity ? { identity } : {}),
      batchId,
      sourceId: source.id,
      format: meta?.format ?? reader.reader.meta.format,
      encoding: meta?.encoding?.encoding ?? null,
      delimiter: meta?.delimiter?.delimiter ?? null,
      columns: meta ? meta.mapping.columns.map((c) => ({ name: c.name, field: c.field ?? null })) : [],
      ...total,
      quarantined: counts.quarantined,
      visits: extra.visits,
      conditions: extra.conditions,
      skippedResources: extra.skipped,
    };
  }

  async batches(scope: Scope): Promise<BatchView[]> {
    requireImporter(scope);
    const rows = await this.#deps.db.tenant(scope.tenantId, (tx) =>
      tx
        .selectFrom('import_batches as b')
        .innerJoin('import_sources as s', (j) =>
          j.onRef('s.tenant_id', '=', 'b.tenant_id').onRef('s.id', '=', 'b.source_id'),
        )
        .select([
          'b.id',
          'b.file_name',
          'b.format',
          'b.status',
          'b.counts',
          'b.started_at',
          'b.finished_at',
          's.name as source',
        ])
        .orderBy('b.started_at', 'desc')
        .limit(100)
        .execute(),
    );
    return rows.map((r) => ({
      id: r.id,
      fileName: r.file_name,
      source: r.source,
      format: r.format,
      status: r.status,
      counts: r.counts,
      startedAt: new Date(r.started_at),
      finishedAt: r.finished_at ? new Date(r.finished_at) : null,
    }));
  }

  async quarantine(
    scope: Scope,
    filter: { batchId?: string; status?: 'open' | 'fixed' | 'dismissed'; limit?: number; after?: number },
  ): Promise<QuarantineItem[]> {
    requireImporter(scope);
    const { db, vault, clock } = this.#deps;
    return db.tenant(scope.tenantId, async (tx) =>
      listQuarantine(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, filter),
    );
  }

  async fix(scope: Scope, id: string, fields: Partial<Record<ImportField, string>>) {
    requireImporter(scope);
    const rules = await this.#rules(scope);
    const { db, vault, clock } = this.#deps;
    return db.tenant(scope.tenantId, async (tx) =>
      fixQuarantined(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, id, fields, rules),
    );
  }

  async dismiss(scope: Scope, id: string, reason: string): Promise<void> {
    requireImporter(scope);
    await this.#deps.db.tenant(scope.tenantId, (tx) =>
      dismissQuarantined(tx, this.#deps.clock, scope, id, reason),
    );
  }

  /** The first rows of a file as the import would read them, for the wizard's mapping step. */
  async preview(
    scope: Scope,
    source: ImportSource,
    opts: { fileName: string; mapping?: string; encoding?: TabularOptions['encoding'] },
  ) {
    requireImporter(scope);
    return previewTabular(source, {
      fileName: opts.fileName,
      limit: 20,
      ...(opts.mapping ? { mapping: opts.mapping } : {}),
      ...(opts.encoding ? { encoding: opts.encoding } : {}),
    });
  }
}

export interface BatchView {
  readonly id: string;
  readonly fileName: string;
  readonly source: string;
  readonly format: string;
  readonly status: string;
  readonly counts: Record<string, number>;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
}

/** Imports are registry work: the owner and the front desk. */
function requireImporter(scope: Scope): void {
  if (scope.actor.kind === 'staff' && !['owner', 'front_desk'].includes(scope.actor.role))
    throw new AppError('ROLE_NOT_PERMITTED');
}
