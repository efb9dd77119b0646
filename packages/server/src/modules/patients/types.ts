import type { Channel, Language, Sex, TimeOfDay, VisitMode } from '@careloop/contracts';
import type { ContactAttribute, IdentityAttribute } from '../policy/index.ts';

/** Identity attributes, stored only inside identity_enc. */
export type PatientIdentity = { readonly lastName: string; readonly firstName: string } & {
  readonly [K in Exclude<IdentityAttribute, 'lastName' | 'firstName'>]?: string;
};

/** Contact attributes, stored only inside contact_enc. */
export type PatientContact = { readonly [K in ContactAttribute]?: string };

/** Clear columns: the demographic and preference classes that segments filter on. */
export interface PatientProfile {
  readonly sex?: Sex;
  readonly city?: string;
  readonly homeBranchId?: string;
  readonly timeZone?: string;
  readonly language?: Language;
  readonly preferredChannel?: Channel;
  readonly preferredTime?: TimeOfDay;
  readonly visitMode?: VisitMode;
}

export interface NewPatient {
  readonly id?: string;
  readonly identity: PatientIdentity;
  readonly contact: PatientContact;
  readonly profile: PatientProfile;
  readonly createdAt?: Date;
}
