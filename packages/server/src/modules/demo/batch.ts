import type { KeyObject } from 'node:crypto';
import { type CopyText, CopyWriter } from '../../db/index.ts';
import { newId } from '../../kernel/index.ts';
import { TenantKeys } from '../crypto/index.ts';
import { PATIENT_COPY_COLUMNS, sealPatient } from '../patients/index.ts';
import { BRANCHES } from './catalog.ts';
import { consentsFor } from './consents.ts';
import { type ClinicIds, visitsFor } from './history.ts';
import { type DemoPerson, duplicateOf, makePerson, twinOf } from './people.ts';
import { Random } from './random.ts';

/** Everything a batch needs, cloneable to a worker thread. */
export interface BatchContext {
  readonly tenantId: string;
  readonly seed: number;
  readonly asOf: Date;
  readonly ids: ClinicIds;
  /** Consent documents by kind, hashes in hex: Buffers arrive in a worker as bare Uint8Arrays. */
  readonly docs: ReadonlyMap<string, { id: string; hash: string }>;
  readonly keys: { data: [number, KeyObject][]; index: KeyObject; bits: number };
}

export interface BatchJob {
  readonly index: number;
  readonly size: number;
  /** Index of the first card number in this batch. */
  readonly firstCard: number;
  /** The last batch also plants duplicates and twins of its own patients. */
  readonly planted: number;
  readonly twins: number;
}

/** One batch of patients as COPY text per table, plus what the caller tallies. */
export interface BatchText {
  readonly index: number;
  readonly patients: CopyText;
  readonly lookup: CopyText;
  readonly visits: CopyText;
  readonly services: CopyText;
  readonly events: CopyText;
  readonly state: CopyText;
  readonly patientCount: number;
  readonly visitCount: number;
  readonly consentEventCount: number;
  /** A sample of patients to book upcoming appointments for. */
  readonly bookable: readonly { id: string; branch: number }[];
}

const DAY = 86_400_000;
const iso = (d: Date | null): string => (d ? d.toISOString() : '\\N');
const hex = (b: Buffer | null): string => (b ? `\\\\x${b.toString('hex')}` : '\\N');
const text = (s: string | null): string => s ?? '\\N';

/**
 * Generates one batch, deterministically from (seed, batch index). High-volume rows
 * are rendered straight to COPY text: their fields are ids, numbers and timestamps
 * that need no escaping.
 */
export function generateBatch(ctx: BatchContext, job: BatchJob): BatchText {
  const rnd = new Random((ctx.seed * 1_000_003 + job.index * 7919) >>> 0);
  const keys = TenantKeys.fromMaterial(ctx.tenantId, ctx.keys);
  const docs = new Map(
    [...ctx.docs].map(([kind, d]) => [kind, { id: d.id, hash: Buffer.from(d.hash, 'hex') }]),
  );
  const t = ctx.tenantId;
  const asOf = ctx.asOf;
  const out = {
    patients: new CopyWriter(),
    lookup: new CopyWriter(),
    visits: new CopyWriter(),
    services: new CopyWriter(),
    events: new CopyWriter(),
    state: new CopyWriter(),
  };
  let visitCount = 0;
  let consentEventCount = 0;
  const bookable: { id: string; branch: number }[] = [];

  const add = (person: DemoPerson, visits?: number): void => {
    const history = visitsFor(rnd, ctx.ids, person, asOf, newId, visits);
    const registeredAt = history[0]?.at ?? new Date(asOf.getTime() - rnd.int(1, 900) * DAY);
    const homeBranchId = ctx.ids.branches[person.branch]!.id;
    const sealed = sealPatient(
      keys,
      { ...person.patient, profile: { ...person.patient.profile, homeBranchId }, createdAt: registeredAt },
      asOf,
    );
    const p = sealed.patient;
    out.patients.values(PATIENT_COPY_COLUMNS.map((c) => p[c]));
    for (const l of sealed.lookups) out.lookup.line(`${t}\t${l.kind}\t${l.digest}\t${p.id}\n`);
    for (const v of history) {
      out.visits.line(
        `${t}\t${v.id}\t${p.id}\t${v.branchId}\t${v.doctorId}\t${v.specialtyId}\t${v.serviceId}\t${v.at.toISOString()}\t${v.amount}\n`,
      );
      for (let i = 0; i < v.extras.length; i++) {
        const s = v.extras[i]!;
        out.services.line(`${t}\t${v.id}\t${i + 1}\t${s.serviceId}\t${s.price}\n`);
      }
    }
    visitCount += history.length;
    const adult = asOf.getUTCFullYear() - Number(person.birthDate.slice(0, 4)) >= 19;
    const c = consentsFor(
      rnd,
      { adult, hasEmail: Boolean(person.patient.contact.email), registeredAt },
      asOf,
      docs,
      newId,
    );
    for (const e of c.events) {
      out.events.line(
        `${t}\t${e.id}\t${p.id}\t${e.kind}\t${text(e.channel)}\t${e.event}\t${text(e.documentId)}\t${hex(e.documentHash)}\t${e.legalBasis}\t${e.captureMethod}\tsystem:demo\t${iso(e.at)}\t${iso(e.at)}\t${iso(e.expiresAt)}\n`,
      );
    }
    for (const s of c.state) {
      out.state.line(
        `${t}\t${p.id}\t${s.kind}\t${text(s.channel)}\t${s.status}\t${iso(s.since)}\t${iso(s.expiresAt)}\t${s.eventId}\t${text(s.documentId)}\n`,
      );
    }
    consentEventCount += c.events.length;
    if (bookable.length < 5_000 && rnd.chance(0.3)) bookable.push({ id: p.id, branch: person.branch });
  };

  const originals: DemoPerson[] = [];
  for (let i = 0; i < job.size; i++) {
    const person = makePerson(rnd, asOf, BRANCHES, job.firstCard + i);
    if (originals.length < job.planted + job.twins && rnd.chance(0.2)) originals.push(person);
    add(person);
  }
  // Second registrations of the same people, and twins who are not duplicates.
  for (const [i, p] of originals.slice(0, job.planted).entries())
    add(duplicateOf(rnd, p, i).person, rnd.int(1, 2));
  for (const p of originals.slice(job.planted, job.planted + job.twins)) add(twinOf(rnd, p));
  return {
    index: job.index,
    patients: out.patients.finish(),
    lookup: out.lookup.finish(),
    visits: out.visits.finish(),
    services: out.services.finish(),
    events: out.events.finish(),
    state: out.state.finish(),
    patientCount: job.size + Math.min(originals.length, job.planted + job.twins),
    visitCount,
    consentEventCount,
    bookable,
  };
}
