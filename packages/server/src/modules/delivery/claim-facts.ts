import { CHANNELS, type Channel, type Language } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import { type PatientContact, type PatientIdentity, unsealPatient } from '../patients/index.ts';
import type { PatientFacts } from './decide.ts';

export interface PatientRow {
  id: string;
  status: 'active' | 'merged' | 'erased';
  time_zone: string | null;
  language: Language;
  preferred_channel: Channel | null;
  sex: 'female' | 'male' | null;
  key_version: number | null;
  key_wrapped: Buffer | null;
  identity_enc: Buffer | null;
  contact_enc: Buffer | null;
}

/** A claimed batch's patients: decrypted once, and their send facts for `decideChannel`. */
export interface Recipients {
  readonly unsealed: ReadonlyMap<
    string,
    { identity?: PatientIdentity; contact?: PatientContact; row: PatientRow }
  >;
  facts(patientId: string): PatientFacts | null;
}

/**
 * Loads what the claim re-checks for each patient (R53): state, consents, suppressions, and the
 * worklist's holds (moved away, a cool-down after declining), which hold marketing on every channel.
 */
export async function loadRecipients(
  tx: Tx,
  keys: TenantKeys,
  patientIds: readonly string[],
  now: Date,
): Promise<Recipients> {
  const [patients, consents, suppressions, holds] = await Promise.all([
    tx
      .selectFrom('patients')
      .select([
        'id',
        'status',
        'time_zone',
        'language',
        'preferred_channel',
        'sex',
        'key_version',
        'key_wrapped',
        'identity_enc',
        'contact_enc',
      ])
      .where('id', 'in', patientIds)
      .execute() as Promise<PatientRow[]>,
    tx
      .selectFrom('consent_state')
      .select(['patient_id', 'kind', 'status', 'expires_at', 'event_id'])
      .where('patient_id', 'in', patientIds)
      .execute(),
    tx
      .selectFrom('delivery_suppressions')
      .select(['patient_id', 'channel', 'reason', 'scope'])
      .where('patient_id', 'in', patientIds)
      .execute(),
    tx
      .selectFrom('patient_outreach_holds')
      .select(['patient_id', 'reason'])
      .where('patient_id', 'in', patientIds)
      .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', now)]))
      .execute(),
  ]);
  const unsealed = new Map<
    string,
    { identity?: PatientIdentity; contact?: PatientContact; row: PatientRow }
  >();
  for (const p of patients) {
    unsealed.set(p.id, {
      ...(p.status === 'erased' ? {} : unsealPatient(keys, p, { identity: true, contact: true })),
      row: p,
    });
  }
  const facts = (patientId: string): PatientFacts | null => {
    const u = unsealed.get(patientId);
    if (!u) return null;
    return {
      status: u.row.status,
      timeZone: u.row.time_zone,
      preferredChannel: u.row.preferred_channel,
      hasEmail: Boolean(u.contact?.email),
      hasPhone: Boolean(u.contact?.phone),
      hasMessenger: Boolean(u.contact?.messenger),
      consents: consents
        .filter((c) => c.patient_id === patientId)
        .map((c) => ({
          kind: c.kind,
          status: c.status,
          expiresAt: c.expires_at ? new Date(c.expires_at) : null,
          eventId: c.event_id,
        })),
      suppressions: [
        ...suppressions.filter((s) => s.patient_id === patientId),
        ...holds
          .filter((h) => h.patient_id === patientId)
          .flatMap((h) =>
            CHANNELS.map((channel) => ({ channel, reason: `hold:${h.reason}`, scope: 'marketing' as const })),
          ),
      ],
    };
  };
  return { unsealed, facts };
}
