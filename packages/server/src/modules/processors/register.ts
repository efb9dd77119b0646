import type { DataClass, Jurisdiction, ProcessorRole, ProcessorServiceKind } from '@careloop/contracts';
import { AppError } from '../../kernel/index.ts';

/**
 * The processor register's rules (R58, R26), pure: what an entry must say, when a country is
 * abroad for the clinic, and whether an entry covers what a message would disclose.
 */

export interface ProcessorInput {
  readonly provider: string;
  readonly legalName: string;
  readonly service: ProcessorServiceKind;
  readonly role: ProcessorRole;
  readonly country: string;
  readonly contractRef: string;
  readonly dataClasses: readonly DataClass[];
  readonly transferRef?: string;
}

export interface ProcessorEntry extends Omit<ProcessorInput, 'transferRef'> {
  readonly version: number;
  readonly transferRef: string | null;
  readonly abroad: boolean;
  readonly registeredAt: Date;
  readonly registeredBy: string;
  readonly retiredAt: Date | null;
  readonly retiredBy: string | null;
}

/** The European Economic Area: transfers within it need no further basis (GDPR ch. V). */
const EEA: ReadonlySet<string> = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(' '),
);

/** Whether data sent to `country` leaves the clinic's jurisdiction (a cross-border transfer). */
export function isAbroad(jurisdiction: Jurisdiction, country: string): boolean {
  if (jurisdiction === 'RU') return country !== 'RU';
  if (jurisdiction === 'EU') return !EEA.has(country);
  return country !== 'US';
}

const ISO_COUNTRY = /^[A-Z]{2}$/;

/** Refuses an entry that could not justify a transfer: every problem named at once. */
export function checkRegistration(input: ProcessorInput, jurisdiction: Jurisdiction): void {
  const problems: { field: string; issue: string }[] = [];
  if (!ISO_COUNTRY.test(input.country))
    problems.push({ field: 'country', issue: 'an ISO 3166-1 alpha-2 code, such as RU' });
  if (!input.dataClasses.includes('contact'))
    problems.push({
      field: 'dataClasses',
      issue: 'a channel provider receives at least the contact it sends to',
    });
  if (input.legalName.trim().length < 2) problems.push({ field: 'legalName', issue: 'required' });
  if (input.contractRef.trim().length < 3) problems.push({ field: 'contractRef', issue: 'required' });
  if (ISO_COUNTRY.test(input.country) && isAbroad(jurisdiction, input.country) && !input.transferRef?.trim())
    problems.push({
      field: 'transferRef',
      issue:
        jurisdiction === 'RU'
          ? 'a transfer abroad needs the RKN cross-border notification reference (152-FZ art. 12)'
          : 'a transfer abroad needs its basis (adequacy decision or standard contractual clauses)',
    });
  if (problems.length > 0)
    throw new AppError('VALIDATION_FAILED', 'The register entry is incomplete.', problems);
}

/** Why a provider may not receive a message's data, or null when its current entry covers it. */
export type Refusal = 'processor_unregistered' | 'processor_not_covered';

export function coverage(
  entry: Pick<ProcessorEntry, 'dataClasses' | 'abroad' | 'transferRef'> | undefined,
  disclosed: Iterable<DataClass>,
): { ok: true } | { ok: false; reason: Refusal; missing: DataClass[] } {
  if (!entry) return { ok: false, reason: 'processor_unregistered', missing: [] };
  // An entry made before the clinic's jurisdiction changed may lack a transfer basis: it covers nothing.
  if (entry.abroad && !entry.transferRef) return { ok: false, reason: 'processor_unregistered', missing: [] };
  const missing = [...new Set(disclosed)].filter((c) => !entry.dataClasses.includes(c));
  return missing.length === 0 ? { ok: true } : { ok: false, reason: 'processor_not_covered', missing };
}
