import type {
  AppointmentStatus,
  Channel,
  Language,
  PatientStatus,
  Sex,
  TimeOfDay,
} from '@careloop/contracts';
import { newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import type { PatientFacts } from '../../src/modules/segments/index.ts';

/** A small clinic catalogue for segment tests: branches, specialties, services, one doctor per specialty. */
export interface Catalogue {
  readonly branches: readonly string[];
  readonly specialties: readonly string[];
  readonly services: readonly string[];
  readonly doctors: readonly string[];
}

export async function makeCatalogue(careloop: Careloop, tenantId: string): Promise<Catalogue> {
  const branches = [newId(), newId()];
  const specialties = [newId(), newId(), newId()];
  const services = [newId(), newId(), newId(), newId()];
  const doctors = specialties.map(() => newId());
  await careloop.db.tenant(tenantId, async (tx) => {
    await tx
      .insertInto('branches')
      .values(
        branches.map((id, i) => ({
          tenant_id: tenantId,
          id,
          code: `b${i}`,
          name_ru: `Филиал ${i}`,
          name_en: `Branch ${i}`,
          time_zone: 'Europe/Moscow',
          city: 'Москва',
        })),
      )
      .execute();
    await tx
      .insertInto('specialties')
      .values(
        specialties.map((id, i) => ({
          tenant_id: tenantId,
          id,
          code: `s${i}`,
          name_ru: `С${i}`,
          name_en: `S${i}`,
        })),
      )
      .execute();
    await tx
      .insertInto('services')
      .values(
        services.map((id, i) => ({
          tenant_id: tenantId,
          id,
          code: `svc${i}`,
          name_ru: `У${i}`,
          name_en: `Svc${i}`,
          specialty_id: specialties[i % specialties.length]!,
          kind: 'diagnostic' as const,
          price_minor: 1000,
        })),
      )
      .execute();
    await tx
      .insertInto('doctors')
      .values(
        doctors.map((id, i) => ({
          tenant_id: tenantId,
          id,
          full_name: `Доктор ${i}`,
          specialty_id: specialties[i]!,
          branch_id: branches[0]!,
        })),
      )
      .execute();
  });
  return { branches, specialties, services, doctors };
}

export interface PatientSpec {
  readonly status: PatientStatus;
  readonly sex: Sex | null;
  readonly birthYear: number | null;
  readonly birthMd: number | null;
  readonly city: string | null;
  readonly branch: number | null;
  readonly language: Language;
  readonly preferredChannel: Channel | null;
  readonly preferredTime: TimeOfDay | null;
  /** Days before the evaluation moment (negative: after it). */
  readonly visits: readonly {
    daysAgo: number;
    specialty: number | null;
    main: number | null;
    lines: number[];
  }[];
  readonly appointments: readonly { daysAgo: number; status: AppointmentStatus }[];
  readonly consents: readonly {
    kind: string;
    status: 'granted' | 'withdrawn' | 'expired';
    expiresInDays: number | null;
  }[];
  readonly messagedDaysAgo: number | null;
}

/** An active woman born 1 January 1975 in Тверь, no visits, who agreed to marketing, health-based offers and e-mail. */
export const consentingPatient = (over: Partial<PatientSpec> = {}): PatientSpec => ({
  status: 'active',
  sex: 'female',
  birthYear: 1975,
  birthMd: 101,
  city: 'Тверь',
  branch: 0,
  language: 'ru',
  preferredChannel: 'email',
  preferredTime: null,
  visits: [],
  appointments: [],
  consents: ['pd.marketing', 'pd.marketing.health_based', 'ads.receive.email'].map((kind) => ({
    kind,
    status: 'granted' as const,
    expiresInDays: null,
  })),
  messagedDaysAgo: null,
  ...over,
});

const DAY = 86_400_000;

/**
 * Loads patients through ordinary statements, in the order an import would write them
 * (patients, then visits, lines, appointments, consents, then status changes), so the
 * facts come from the triggers. Returns the evaluator's view of each patient.
 */
export async function loadPatients(
  careloop: Careloop,
  tenantId: string,
  cat: Catalogue,
  specs: readonly PatientSpec[],
  at: Date,
): Promise<PatientFacts[]> {
  const ids = specs.map(() => newId());
  const when = (daysAgo: number) => new Date(at.getTime() - daysAgo * DAY);
  const facts: PatientFacts[] = [];
  await careloop.db.tenant(tenantId, async (tx) => {
    await tx
      .insertInto('patients')
      .values(
        specs.map((s, i) => ({
          tenant_id: tenantId,
          id: ids[i]!,
          sex: s.sex,
          birth_year: s.birthYear,
          birth_md: s.birthMd,
          city: s.city,
          home_branch_id: s.branch === null ? null : cat.branches[s.branch]!,
          language: s.language,
          preferred_channel: s.preferredChannel,
          preferred_time: s.preferredTime,
        })),
      )
      .execute();
    const visits: { id: string; patient: number; v: PatientSpec['visits'][number] }[] = specs.flatMap(
      (s, i) => s.visits.map((v) => ({ id: newId(), patient: i, v })),
    );
    if (visits.length > 0) {
      await tx
        .insertInto('visits')
        .values(
          visits.map(({ id, patient, v }) => ({
            tenant_id: tenantId,
            id,
            patient_id: ids[patient]!,
            branch_id: cat.branches[0]!,
            specialty_id: v.specialty === null ? null : cat.specialties[v.specialty]!,
            service_id: v.main === null ? null : cat.services[v.main]!,
            visited_at: when(v.daysAgo),
          })),
        )
        .execute();
      const lines = visits.flatMap(({ id, v }) =>
        [...new Set(v.lines)].map((l, n) => ({
          tenant_id: tenantId,
          visit_id: id,
          line_no: n + 1,
          service_id: cat.services[l]!,
          price_minor: 100,
        })),
      );
      if (lines.length > 0) await tx.insertInto('visit_services').values(lines).execute();
    }
    const appts = specs.flatMap((s, i) =>
      s.appointments.map((a) => ({
        tenant_id: tenantId,
        id: newId(),
        patient_id: ids[i]!,
        doctor_id: cat.doctors[0]!,
        branch_id: cat.branches[0]!,
        starts_at: when(a.daysAgo),
        status: a.status,
      })),
    );
    if (appts.length > 0) await tx.insertInto('appointments').values(appts).execute();
    const consents = specs.flatMap((s, i) =>
      [...new Map(s.consents.map((c) => [c.kind, c])).values()].map((c) => ({
        tenant_id: tenantId,
        patient_id: ids[i]!,
        kind: c.kind,
        channel: null,
        status: c.status,
        since: when(30),
        expires_at: c.expiresInDays === null ? null : when(-c.expiresInDays),
        event_id: newId(),
      })),
    );
    if (consents.length > 0) await tx.insertInto('consent_state').values(consents).execute();
    const inactive = specs.flatMap((s, i) =>
      s.status === 'active' ? [] : [{ id: ids[i]!, status: s.status }],
    );
    for (const status of ['merged', 'erased'] as const) {
      const these = inactive.filter((x) => x.status === status).map((x) => x.id);
      if (these.length > 0)
        await tx.updateTable('patients').set({ status }).where('id', 'in', these).execute();
    }
    const messaged = specs.flatMap((s, i) =>
      s.messagedDaysAgo === null ? [] : [{ id: ids[i]!, at: when(s.messagedDaysAgo) }],
    );
    for (const m of messaged)
      await tx
        .updateTable('patient_facts')
        .set({ last_messaged_at: m.at })
        .where('patient_id', '=', m.id)
        .execute();
  });
  specs.forEach((s, i) => {
    facts.push({
      id: ids[i]!,
      status: s.status,
      sex: s.sex,
      birthYear: s.birthYear,
      birthMd: s.birthMd,
      city: s.city,
      homeBranchId: s.branch === null ? null : cat.branches[s.branch]!,
      language: s.language,
      preferredChannel: s.preferredChannel,
      preferredTime: s.preferredTime,
      visits: s.visits.map((v) => ({
        at: when(v.daysAgo),
        specialtyId: v.specialty === null ? null : cat.specialties[v.specialty]!,
        serviceIds: [
          ...(v.main === null ? [] : [cat.services[v.main]!]),
          ...v.lines.map((l) => cat.services[l]!),
        ],
      })),
      appointments: s.appointments.map((a) => ({ startsAt: when(a.daysAgo), status: a.status })),
      consents: [...new Map(s.consents.map((c) => [c.kind, c])).values()].map((c) => ({
        kind: c.kind,
        status: c.status,
        expiresAt: c.expiresInDays === null ? null : when(-c.expiresInDays),
      })),
      lastMessagedAt: s.status === 'active' && s.messagedDaysAgo !== null ? when(s.messagedDaysAgo) : null,
    });
  });
  return facts;
}
