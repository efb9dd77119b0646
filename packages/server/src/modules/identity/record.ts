/**
 * One person record to deduplicate. Everything but `row` is optional; values are
 * expected already normalised (ISO birth date, E.164 phone) — the linker folds case,
 * ё/е and script itself. FEBRL maps as given_name→firstName, surname→lastName,
 * street_number→streetNumber, address_1→address, suburb→city, state→region,
 * postcode, date_of_birth→birthDate, soc_sec_id→nationalId, address_2→extra.address_2.
 */
export interface LinkRecord {
  /** The caller's integer id, e.g. the 1-based data row of the input file. */
  readonly row: number;
  readonly lastName?: string | undefined;
  readonly firstName?: string | undefined;
  readonly middleName?: string | undefined;
  /** YYYY-MM-DD (YYYYMMDD is accepted too). */
  readonly birthDate?: string | undefined;
  readonly sex?: 'male' | 'female' | string | undefined;
  readonly phone?: string | undefined;
  readonly email?: string | undefined;
  readonly snils?: string | undefined;
  readonly omsPolicy?: string | undefined;
  /** Any other personal identifier (passport, FEBRL soc_sec_id, MIS card number). */
  readonly nationalId?: string | undefined;
  readonly address?: string | undefined;
  readonly city?: string | undefined;
  readonly region?: string | undefined;
  readonly postcode?: string | undefined;
  readonly streetNumber?: string | undefined;
  /** Further text fields; those named in `DedupeOptions.extraFields` are compared too. */
  readonly extra?: Readonly<Record<string, string>> | undefined;
}

export interface DedupeOptions {
  /** Match probability at or above which a pair links automatically (default 0.9). */
  readonly matchThreshold?: number;
  /** Match probability at or above which a pair goes to review (default 0.3). */
  readonly reviewThreshold?: number;
  /** Keys of `extra` to compare as free text. */
  readonly extraFields?: readonly string[];
  /** Compute per-field evidence for every reported pair (default true). */
  readonly explain?: boolean;
  /** Largest block compared in full; bigger ones use a sorted window (default 300). */
  readonly maxBlockSize?: number;
  /** Random pairs drawn to estimate u-probabilities (default 300,000; exact levels are computed). */
  readonly uSamples?: number;
  /** EM iterations (default 40). */
  readonly emIterations?: number;
  /** Seed for the random pairs, for reproducible runs. */
  readonly seed?: number;
  /** Guards against linking twins and parents with children (default on). */
  readonly guards?: boolean;
  /**
   * Chaining resistance: two clusters join only if at least this share of the scored
   * pairs between them are matches (default 0.5).
   */
  readonly minClusterSupport?: number;
}
