import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ROLES, type Role } from '@careloop/contracts';
import type { CopyValue, Database } from '../../db/index.ts';
import { type Clock, newId, type Scope, systemActor } from '../../kernel/index.ts';
import { rebuildVisitStats } from '../analytics/index.ts';
import { appendAudit } from '../audit/index.ts';
import { bodyHash, DEFAULT_TEMPLATES } from '../consent/index.ts';
import { seedPlaybookContent } from '../content/index.ts';
import type { Vault } from '../crypto/index.ts';
import { PATIENT_COPY_COLUMNS } from '../patients/index.ts';
import { registerProcessor } from '../processors/index.ts';
import { rebuildFacts } from '../segments/index.ts';
import { createStaffUser } from '../staff/index.ts';
import { createTenant } from '../tenants/index.ts';
import { type BatchContext, type BatchJob, type BatchText, generateBatch } from './batch.ts';
import { BRANCHES, DEMO_PROCESSOR, SERVICES, SPECIALTIES } from './catalog.ts';
import type { ClinicIds } from './history.ts';
import { makePerson } from './people.ts';
import { Random } from './random.ts';
import { type DemoDoctor, rulesFor, slotsFor } from './schedule.ts';

export interface DemoOptions {
  readonly patients: number;
  readonly seed?: number;
  /** The day the demo is generated for; history ends the day before. */
  readonly asOf: Date;
  readonly batchSize?: number;
  /** Tenant slug, `demo` unless a test needs several demo networks in one database. */
  readonly slug?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface DemoCredential {
  readonly role: Role;
  readonly email: string;
  readonly password: string;
}

export interface DemoSummary {
  readonly tenantId: string;
  readonly patients: number;
  readonly plantedDuplicates: number;
  readonly twins: number;
  readonly visits: number;
  readonly consentEvents: number;
  readonly slots: number;
  readonly appointments: number;
}

export const DEMO_SLUG = 'demo';

/** Demo accounts: published in the README and printed at start, for demo tenants only. */
export const demoCredentials = (slug = DEMO_SLUG): readonly DemoCredential[] =>
  ROLES.map((role) => ({
    role,
    email: `${role.replace('_', '-')}@${slug}.careloop.local`,
    password: `demo-${role.replace('_', '-')}-2026`,
  }));

export const DEMO_CREDENTIALS = demoCredentials();

const DISPLAY: Readonly<Record<Role, string>> = {
  owner: 'Демо: владелец',
  marketer: 'Демо: маркетолог',
  front_desk: 'Демо: регистратура',
  doctor: 'Демо: врач',
  analyst: 'Демо: аналитик',
  auditor: 'Демо: аудитор',
};

const COLUMNS = {
  lookup: ['tenant_id', 'kind', 'digest', 'patient_id'],
  visits: [
    'tenant_id',
    'id',
    'patient_id',
    'branch_id',
    'doctor_id',
    'specialty_id',
    'service_id',
    'visited_at',
    'amount_minor',
  ],
  services: ['tenant_id', 'visit_id', 'line_no', 'service_id', 'price_minor'],
  events: [
    'tenant_id',
    'id',
    'patient_id',
    'kind',
    'channel',
    'event',
    'document_id',
    'document_hash',
    'legal_basis',
    'capture_method',
    'actor',
    'occurred_at',
    'recorded_at',
    'expires_at',
  ],
  state: [
    'tenant_id',
    'patient_id',
    'kind',
    'channel',
    'status',
    'since',
    'expires_at',
    'event_id',
    'document_id',
  ],
  slots: ['tenant_id', 'id', 'doctor_id', 'branch_id', 'starts_at', 'ends_at', 'status'],
  appointments: [
    'tenant_id',
    'id',
    'patient_id',
    'doctor_id',
    'branch_id',
    'service_id',
    'slot_id',
    'starts_at',
    'status',
    'booked_via',
    'created_at',
  ],
} as const;

/**
 * Runs batch jobs inline for a small demo, or on worker threads for a large one so
 * that generation, the Node side of loading and the database all run at once.
 * `sink` loads one batch at a time, in completion order.
 */
async function produceBatches(
  ctx: BatchContext,
  jobs: readonly BatchJob[],
  sink: (b: BatchText) => Promise<void>,
): Promise<void> {
  if (jobs.length <= 2) {
    for (const job of jobs) await sink(generateBatch(ctx, job));
    return;
  }
  const threads = Math.max(1, Math.min(availableParallelism() - 1, 3));
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL('./worker.ts', import.meta.url), { workerData: ctx }),
  );
  try {
    let next = 0;
    let queued = 0; // batches generated but not yet loaded
    let sinking: Promise<void> = Promise.resolve();
    const idle: (() => void)[] = [];
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              if (next < jobs.length) w.postMessage(jobs[next++]);
              else resolve();
            };
            w.on('message', (b: BatchText) => {
              queued++;
              // Loads are serialised; a worker starts its next batch at once unless
              // enough finished batches already wait, which bounds the memory held.
              const loaded = sinking.then(() => sink(b));
              sinking = loaded;
              loaded.then(() => {
                queued--;
                idle.shift()?.();
              }, reject);
              if (queued <= threads) feed();
              else idle.push(feed);
            });
            w.on('error', reject);
            feed();
          }),
      ),
    );
    await sinking;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Generates the demo clinic network: deterministic for a seed and reference date,
 * streamed into the database in batches so that it scales to a million patients.
 */
export async function generateDemo(
  deps: { db: Database; vault: Vault; clock: Clock },
  opts: DemoOptions,
): Promise<DemoSummary> {
  const { db, vault, clock } = deps;
  const seed = opts.seed ?? 20261123;
  const rnd = new Random(seed);
  const asOf = opts.asOf;
  const tenant = await createTenant(db, vault, {
    slug: opts.slug ?? DEMO_SLUG,
    name: 'Сеть клиник «Демо»',
    expectedPatients: Math.max(opts.patients, 5_000),
    isDemo: true,
  });
  const t = tenant.id;
  const scope: Scope = { tenantId: t, actor: systemActor('demo'), purpose: 'registry.operations' };

  // Reference data, staff and consent texts: small, in one transaction.
  const { ids, doctors, docs } = await db.tenant(t, async (tx) => {
    const branches = BRANCHES.map((b) => ({ id: newId(), def: b }));
    await tx
      .insertInto('branches')
      .values(
        branches.map(({ id, def }) => ({
          tenant_id: t,
          id,
          code: def.code,
          name_ru: def.nameRu,
          name_en: def.nameEn,
          time_zone: def.timeZone,
          city: def.city,
          address: def.address,
        })),
      )
      .execute();
    const specialtyIds = new Map(SPECIALTIES.map((s) => [s.code, newId()]));
    await tx
      .insertInto('specialties')
      .values(
        SPECIALTIES.map((s) => ({
          tenant_id: t,
          id: specialtyIds.get(s.code)!,
          code: s.code,
          name_ru: s.nameRu,
          name_en: s.nameEn,
          sensitive: s.sensitive,
        })),
      )
      .execute();
    const serviceIds = new Map(SERVICES.map((s) => [s.code, { id: newId(), price: s.price }]));
    await tx
      .insertInto('services')
      .values(
        SERVICES.map((s) => ({
          tenant_id: t,
          id: serviceIds.get(s.code)!.id,
          code: s.code,
          name_ru: s.nameRu,
          name_en: s.nameEn,
          specialty_id: specialtyIds.get(s.specialty) ?? null,
          kind: s.kind,
          price_minor: s.price,
          duration_min: s.minutes,
        })),
      )
      .execute();
    const doctorRnd = rnd.fork(1);
    const doctors: DemoDoctor[] = [];
    const byCode = new Map<string, { id: string; branch: number }[]>();
    for (const s of SPECIALTIES) {
      for (let i = 0; i < s.doctors; i++) {
        const branch = i % 2;
        const person = makePerson(doctorRnd, new Date(Date.UTC(1990, 0, 1)), BRANCHES, 0);
        const id = newId();
        const { lastName, firstName, middleName } = person.patient.identity;
        await tx
          .insertInto('doctors')
          .values({
            tenant_id: t,
            id,
            full_name: `${lastName} ${firstName} ${middleName ?? ''}`.trim(),
            specialty_id: specialtyIds.get(s.code)!,
            branch_id: branches[branch]!.id,
          })
          .execute();
        doctors.push({
          id,
          branchId: branches[branch]!.id,
          utcOffset: BRANCHES[branch]!.utcOffset,
          specialtyCode: s.code,
        });
        byCode.set(s.code, [...(byCode.get(s.code) ?? []), { id, branch }]);
      }
    }
    const docs = new Map<string, { id: string; hash: Buffer }>();
    for (const tpl of DEFAULT_TEMPLATES) {
      const id = newId();
      const hash = bodyHash(tpl.body);
      docs.set(tpl.kind, { id, hash });
      await tx
        .insertInto('consent_documents')
        .values({
          tenant_id: t,
          id,
          kind: tpl.kind,
          version: 1,
          locale: tpl.locale,
          title: tpl.title,
          body: tpl.body,
          body_hash: hash,
          written_form: tpl.kind.includes('health') || tpl.kind === 'pd.distribution',
          status: 'published',
          created_by: 'system:demo',
          published_at: asOf,
        })
        .execute();
    }
    const staffIds: Partial<Record<Role, string>> = {};
    for (const cred of demoCredentials(tenant.slug)) {
      const user = await createStaffUser(tx, clock, scope, {
        email: cred.email,
        displayName: DISPLAY[cred.role],
        role: cred.role,
        password: cred.password,
        isDemo: true,
      });
      staffIds[cred.role] = user.id;
    }
    // The playbook library: written by the marketer, approved by the owner, as a clinic would.
    const as = (role: Role): Scope => ({
      tenantId: t,
      actor: { kind: 'staff', userId: staffIds[role] ?? '', role },
      purpose: 'marketing.general',
    });
    await seedPlaybookContent(tx, clock, as('marketer'), as('owner'));
    // The processor register (R58), with a fictitious SMS gateway.
    await registerProcessor(tx, clock, { ...as('owner'), purpose: 'registry.operations' }, DEMO_PROCESSOR);
    const ids: ClinicIds = { branches, specialtyIds, serviceIds, doctors: byCode };
    return { ids, doctors, docs };
  });

  const keys = await db.tenant(t, (tx) => vault.forTenant(tx, t));
  const ctx: BatchContext = {
    tenantId: t,
    seed,
    asOf,
    ids,
    docs: new Map([...docs].map(([kind, d]) => [kind, { id: d.id, hash: d.hash.toString('hex') }])),
    keys: keys.material(),
  };
  const total = opts.patients;
  const batchSize = Math.min(opts.batchSize ?? 20_000, total);
  const batches = Math.ceil(total / batchSize);
  const planted = Math.max(25, Math.round(total * 0.006));
  const twins = Math.max(5, Math.round(total * 0.001));
  const jobs: BatchJob[] = Array.from({ length: batches }, (_, index) => ({
    index,
    size: Math.min(batchSize, total - index * batchSize),
    firstCard: 1 + index * batchSize,
    // Each batch plants its share of duplicates among its own patients.
    planted: Math.round((planted * (index + 1)) / batches) - Math.round((planted * index) / batches),
    twins: Math.round((twins * (index + 1)) / batches) - Math.round((twins * index) / batches),
  }));
  const counts = { patients: 0, visits: 0, consentEvents: 0 };
  const appointmentPool: { id: string; branch: number }[] = [];

  // Generated rows are consistent by construction: the load skips per-row foreign-key triggers.
  const load = (b: BatchText): Promise<void> =>
    db.bulkLoad(
      async (copy) => {
        await copy('patients', PATIENT_COPY_COLUMNS, b.patients);
        await copy('patient_lookup', COLUMNS.lookup, b.lookup);
        await copy('visits', COLUMNS.visits, b.visits);
        await copy('visit_services', COLUMNS.services, b.services);
        await copy('consent_events', COLUMNS.events, b.events);
        await copy('consent_state', COLUMNS.state, b.state);
      },
      { skipTriggers: true },
    );
  let done = 0;
  await produceBatches(ctx, jobs, async (b) => {
    await load(b);
    counts.patients += b.patientCount;
    counts.visits += b.visitCount;
    counts.consentEvents += b.consentEventCount;
    appointmentPool.push(...b.bookable);
    done += jobs[b.index]!.size;
    opts.onProgress?.(done, total);
  });

  // The next four weeks: slots from the schedule rules, the booked ones with appointments.
  const schedule = { slots: 0, appointments: 0 };
  const slotRnd = rnd.fork(3);
  await db.bulkLoad(
    async (copy) => {
      const rules: CopyValue[][] = [];
      const slots: CopyValue[][] = [];
      const appointments: CopyValue[][] = [];
      for (const d of doctors) {
        const rs = rulesFor(slotRnd, d, newId);
        for (const r of rs)
          rules.push([t, r.id, r.doctorId, r.branchId, r.weekday, r.starts, r.ends, r.slotMinutes]);
        for (const s of slotsFor(slotRnd, d, rs, asOf, newId)) {
          const patient = s.booked && appointmentPool.length > 0 ? slotRnd.pick(appointmentPool) : undefined;
          slots.push([t, s.id, s.doctorId, s.branchId, s.startsAt, s.endsAt, patient ? 'booked' : 'free']);
          if (patient) {
            const service = ids.serviceIds.get(`${d.specialtyCode}.repeat`)?.id ?? null;
            appointments.push([
              t,
              newId(),
              patient.id,
              s.doctorId,
              s.branchId,
              service,
              s.id,
              s.startsAt,
              'booked',
              slotRnd.pick(['front_desk', 'phone', 'online']),
              asOf,
            ]);
          }
        }
      }
      await copy(
        'schedule_rules',
        ['tenant_id', 'id', 'doctor_id', 'branch_id', 'weekday', 'starts', 'ends', 'slot_minutes'],
        rules,
      );
      schedule.slots = await copy('slots', COLUMNS.slots, slots);
      schedule.appointments = await copy('appointments', COLUMNS.appointments, appointments);
      // Generated rows, like the batches above: the facts are rebuilt in one pass at the end.
    },
    { skipTriggers: true },
  );

  const summary: DemoSummary = {
    tenantId: t,
    patients: counts.patients,
    plantedDuplicates: planted,
    twins,
    visits: counts.visits,
    consentEvents: counts.consentEvents,
    slots: schedule.slots,
    appointments: schedule.appointments,
  };
  await db.tenant(t, async (tx) => {
    await tx
      .updateTable('tenants')
      .set({
        settings: JSON.stringify({
          demo: { complete: true, seed, asOf: asOf.toISOString(), patients: total },
        }),
      })
      .where('tenant_id', '=', t)
      .execute();
    await appendAudit(tx, clock, { tenantId: t, actor: systemActor('demo') }, [
      {
        action: 'demo.generated',
        outcome: 'done',
        details: { patients: summary.patients, visits: summary.visits },
      },
    ]);
  });
  // Statistics first: without them the planner picks nested loops over the fresh tables and the
  // rebuild turns quadratic. The bulk loads skipped the triggers that keep segment facts and
  // the visits rollup, so they are rebuilt in one pass (the facts rebuild analyses its tables).
  await db.vacuum();
  await rebuildFacts(db, t);
  await rebuildVisitStats(db, t);
  return summary;
}
