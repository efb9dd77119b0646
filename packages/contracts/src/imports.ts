/**
 * The import vocabulary shared by the server's readers and the dashboard's import wizard.
 */

/**
 * The canonical patient fields a source column can map to. Beyond the core list:
 * - `card_no`: the medical card (chart) number printed on the paper card, which MIS
 *   exports carry next to their internal patient id (`external_id`).
 * - `phone_alt`: a second phone column (home, work) when an export has two.
 * - `street_number`: a house number kept apart from the street, as FEBRL and some
 *   registries store it.
 * - `consent_*`: consents recorded in the MIS (yes/no or the date given); they enter the
 *   ledger as `mis_import` grants of the clinic's published consent texts.
 */
export const IMPORT_FIELDS = [
  'external_id',
  'card_no',
  'full_name',
  'last_name',
  'first_name',
  'middle_name',
  'birth_date',
  'sex',
  'phone',
  'phone_alt',
  'email',
  'address',
  'street_number',
  'city',
  'region',
  'postcode',
  'snils',
  'national_id',
  'oms_policy',
  'consent_marketing',
  'consent_sms',
  'consent_email',
  'consent_messenger',
  'consent_calls',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const IMPORT_FORMATS = ['csv', 'xlsx', 'fhir-bundle', 'fhir-ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** What a caller may ask for; `auto` sniffs the bytes. */
export const IMPORT_ENCODINGS = ['auto', 'utf8', 'cp1251'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];

/**
 * Why a source row cannot be taken as it is. A row with any problem goes to quarantine.
 * - `empty_row`: the line (or sheet row) has no value at all.
 * - `too_many_cells` / `too_few_cells`: the row's cell count differs from the header's.
 * - `unbalanced_quote`: a quote opens a field and never closes properly; the line was
 *   read with the quote taken literally.
 * - `invalid_encoding`: a cell holds bytes that are not valid in the file's encoding.
 * - `cell_error`: a spreadsheet cell holds an error value (#N/A, #REF!…).
 */
export const ROW_PROBLEM_CODES = [
  'empty_row',
  'too_many_cells',
  'too_few_cells',
  'unbalanced_quote',
  'invalid_encoding',
  'cell_error',
] as const;
export type RowProblemCode = (typeof ROW_PROBLEM_CODES)[number];
