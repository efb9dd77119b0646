import { existsSync } from 'node:fs';
import type { Config } from '../config/index.ts';
import { type Database, openDatabase } from '../db/index.ts';
import { AppError, type Clock, systemActor, systemClock } from '../kernel/index.ts';
import { AnalyticsService } from '../modules/analytics/index.ts';
import { AuditService } from '../modules/audit/index.ts';
import { CampaignService } from '../modules/campaigns/index.ts';
import { ConsentService } from '../modules/consent/index.ts';
import { ContentService, loadApproved } from '../modules/content/index.ts';
import { KeyService, loadMasterKeys, Vault } from '../modules/crypto/index.ts';
import { DeliveryService } from '../modules/delivery/index.ts';
import { DemoService } from '../modules/demo/index.ts';
import type { ModuleDeps } from '../modules/deps.ts';
import { type Readiness, readiness } from '../modules/health/index.ts';
import { IdentityService } from '../modules/identity/index.ts';
import { ImportService } from '../modules/imports/index.ts';
import { IncidentService } from '../modules/incidents/index.ts';
import { PatientService } from '../modules/patients/index.ts';
import { PreferenceService } from '../modules/preferences/index.ts';
import { ProcessorService } from '../modules/processors/index.ts';
import { RightsService } from '../modules/rights/index.ts';
import { SegmentService } from '../modules/segments/index.ts';
import { StaffService, StaffSessions } from '../modules/staff/index.ts';
import { TenantService } from '../modules/tenants/index.ts';
import { WorklistService } from '../modules/worklist/index.ts';
import { senderAuthFromConfig } from './delivery-channels.ts';

/**
 * The composition root: builds every dependency once from the configuration and
 * hands it to the services. Only this layer reads configuration.
 */
export interface Careloop {
  readonly config: Config;
  readonly db: Database;
  readonly vault: Vault;
  readonly clock: Clock;
  readonly sessions: StaffSessions;
  readonly staff: StaffService;
  readonly tenants: TenantService;
  readonly demo: DemoService;
  readonly audit: AuditService;
  readonly keys: KeyService;
  readonly patients: PatientService;
  readonly consents: ConsentService;
  readonly rights: RightsService;
  readonly preferences: PreferenceService;
  readonly imports: ImportService;
  readonly identity: IdentityService;
  readonly segments: SegmentService;
  readonly content: ContentService;
  readonly campaigns: CampaignService;
  readonly delivery: DeliveryService;
  /** The processor register (R58): who outside the clinic may receive what. */
  readonly processors: ProcessorService;
  /** Personal-data incidents and their breach clocks (R43). */
  readonly incidents: IncidentService;
  readonly analytics: AnalyticsService;
  readonly worklist: WorklistService;
  readiness(): Promise<Readiness>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Apply pending migrations first (serve and migrate do; other commands refuse to run on an old schema). */
  readonly migrate?: boolean;
  /** Create a local key file when none exists (a local install's first start). */
  readonly createKeys?: boolean;
  readonly clock?: Clock;
  /** An already open database (tests). */
  readonly db?: Database;
  /** Where start-up tells the operator something they must act on. */
  readonly notice?: (message: string) => void;
}

export async function startCareloop(config: Config, opts: StartOptions = {}): Promise<Careloop> {
  const creating = !config.masterKey && !existsSync(config.keyFile) && (opts.createKeys ?? false);
  const master = loadMasterKeys({
    spec: config.masterKey,
    keyFile: config.keyFile,
    create: opts.createKeys ?? false,
  });
  if (creating) {
    opts.notice?.(
      `A new master key was written to ${config.keyFile}. Back it up apart from the database: without it the encrypted patient data cannot be read.`,
    );
  }
  const db = opts.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  try {
    if (opts.migrate) await db.migrate();
    else {
      const pending = await db.pendingMigrations();
      if (pending.length > 0) {
        throw new AppError(
          'CONFIG_INVALID',
          `The database schema is out of date (${pending.length} pending migrations): run careloop migrate.`,
        );
      }
    }
    const clock = opts.clock ?? systemClock;
    const vault = new Vault(master);
    await db.system((tx) => vault.verify(tx));
    const deps: ModuleDeps = { db, clock, vault };
    const senderAuth = senderAuthFromConfig(config.delivery);
    const identity = new IdentityService(deps);
    return {
      config,
      db,
      vault,
      clock,
      sessions: new StaffSessions(db, clock, { idleMinutes: config.sessionIdleMinutes, absoluteHours: 12 }),
      staff: new StaffService(deps),
      tenants: new TenantService(deps),
      // The demo's planted duplicates wait in the review queue; nothing is merged behind the visitor's back.
      demo: new DemoService(deps, {
        afterGenerate: (tenantId) =>
          identity.resolve(
            { tenantId, actor: systemActor('demo'), purpose: 'registry.operations' },
            { autoMerge: false },
          ),
      }),
      audit: new AuditService(deps),
      keys: new KeyService(deps),
      patients: new PatientService(deps),
      consents: new ConsentService(deps),
      rights: new RightsService(deps),
      preferences: new PreferenceService(deps),
      imports: new ImportService(deps, {
        resolve: async (scope, batchId) => {
          const r = await identity.resolve(scope, { batchId });
          return { mode: r.mode, merged: r.merged, queued: r.queued };
        },
      }),
      identity,
      segments: new SegmentService(deps),
      content: new ContentService(deps),
      campaigns: new CampaignService(deps, {
        publicUrl: config.publicUrl,
        ...(senderAuth ? { senderAuth } : {}),
        // Playbooks send the approved version of their template key from the content library.
        templates: {
          resolve: async (tx, _tenantId, key) => {
            const v = (await loadApproved(tx, [key])).get(key)?.version;
            return v ? { templateId: v.templateId, version: v.version } : null;
          },
        },
      }),
      delivery: new DeliveryService(deps),
      processors: new ProcessorService(deps),
      incidents: new IncidentService(deps),
      analytics: new AnalyticsService(deps),
      worklist: new WorklistService(deps),
      readiness: () => readiness(db),
      close: () => db.close(),
    };
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}
