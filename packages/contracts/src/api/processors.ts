import Type from 'typebox';
import { DATA_CLASSES, PROCESSOR_ROLES, PROCESSOR_SERVICES } from '../vocab.ts';

/**
 * The register of processors (R58): every outside party that receives patients' personal data
 * from Careloop — an e-mail service, an SMS gateway, a messenger API, a call centre, hosting —
 * with its country, legal role, contract and the data classes it may receive. The send pipeline
 * calls no provider that is not on it.
 */

const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** The provider name a delivery channel reports (as in its webhook path). */
export const ProviderName = Type.String({ pattern: '^[a-z0-9][a-z0-9:._-]{0,62}$' });

export const ProcessorRegistration = Type.Object(
  {
    provider: ProviderName,
    /** The legal name of the company, as in the contract. */
    legalName: Type.String({ minLength: 2, maxLength: 200 }),
    service: Type.Enum(PROCESSOR_SERVICES),
    role: Type.Enum(PROCESSOR_ROLES),
    /** ISO 3166-1 alpha-2 country where it processes the data. */
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    /** The contract, DPA or BAA that binds it (number and date). */
    contractRef: Type.String({ minLength: 3, maxLength: 200 }),
    /** The data classes it may receive; at least the contact it sends to. */
    dataClasses: Type.Array(Type.Enum(DATA_CLASSES), { minItems: 1, uniqueItems: true }),
    /**
     * The basis of a transfer abroad: for a Russian clinic the RKN cross-border notification
     * (R26), for a European one the SCC or adequacy decision. Required when the country is abroad.
     */
    transferRef: Type.Optional(Type.String({ minLength: 3, maxLength: 200 })),
  },
  { additionalProperties: false },
);

const entry = {
  provider: Type.String(),
  version: Type.Integer(),
  legalName: Type.String(),
  service: Type.Enum(PROCESSOR_SERVICES),
  role: Type.Enum(PROCESSOR_ROLES),
  country: Type.String(),
  contractRef: Type.String(),
  dataClasses: Type.Array(Type.Enum(DATA_CLASSES)),
  transferRef: Nullable(Type.String()),
  /** True when the country is outside the clinic's own jurisdiction. */
  abroad: Type.Boolean(),
  registeredAt: Instant,
  registeredBy: Type.String(),
  retiredAt: Nullable(Instant),
  retiredBy: Nullable(Type.String()),
};

/** One version of a register entry; a change adds a version and retires the one before. */
export const ProcessorView = Type.Object(entry);

/** A channel provider this installation is configured to call, and whether the register covers it. */
export const ConfiguredProviderView = Type.Object({
  provider: Type.String(),
  channel: Type.Enum(['email', 'sms', 'messenger', 'call']),
  /** False for Careloop's own call-centre worklist: nothing leaves the clinic. */
  external: Type.Boolean(),
  registered: Type.Boolean(),
});

export const ProcessorRegisterView = Type.Object({
  /** Current entries, then retired versions, newest first. */
  entries: Type.Array(ProcessorView),
  configured: Type.Array(ConfiguredProviderView),
});

export const ProcessorParams = Type.Object({ provider: ProviderName });
