/**
 * Import source readers: format detection, CSV/TSV and XLSX rows with encoding, delimiter
 * and header detection and column mapping, and FHIR R4 Bundle/NDJSON records. Nothing here
 * writes anywhere: validation, quarantine and storage consume these readers.
 */
export type { ImportEncoding, ImportField, ImportFormat, RowProblemCode } from '@careloop/contracts';
export { IMPORT_FIELDS, ROW_PROBLEM_CODES } from '@careloop/contracts';
export { type CsvRecord, CsvTokenizer, csvRecords } from './csv-tokenizer.ts';
export { DELIMITERS, type Delimiter, type DetectedDelimiter, detectDelimiter } from './delimiter.ts';
export { type DetectedEncoding, detectEncoding, type TextEncoding } from './encoding.ts';
export { type FhirReader, type FhirReaderMeta, openFhir } from './fhir-reader.ts';
export type {
  FhirAddress,
  FhirAppointment,
  FhirAppointmentParticipant,
  FhirCoding,
  FhirConcept,
  FhirCondition,
  FhirEncounter,
  FhirIdentifier,
  FhirIdentifierKind,
  FhirItem,
  FhirName,
  FhirPatient,
  FhirPractitioner,
  FhirProblem,
  FhirProblemCode,
  FhirRecord,
  FhirRef,
} from './fhir-types.ts';
export { FHIR_PROBLEM_CODES } from './fhir-types.ts';
export { type DetectedFormat, detectFormat } from './format.ts';
export type { HeaderOption } from './header-row.ts';
export { HEADER_SYNONYMS, normaliseHeader, recogniseHeader } from './headers.ts';
export {
  formatMapping,
  JOIN_SEPARATOR,
  type MappingEntry,
  type MappingSpec,
  mappingFromJson,
  mappingToJson,
  parseMapping,
  type ResolvedColumn,
  type ResolvedMapping,
  resolveMapping,
  toMappingSpec,
  type UnmappedColumn,
} from './mapping.ts';
export { type ImportReader, openImport } from './open.ts';
export { DEFAULT_RULES, type ImportRules, personFromRow, type RowVerdict } from './pipeline/person.ts';
export type { QuarantineItem } from './pipeline/quarantine.ts';
export type { ImportRow, RowProblem } from './rows.ts';
export {
  type BatchResolution,
  type BatchView,
  type ImportInput,
  type ImportReport,
  ImportService,
} from './service.ts';
export type { ImportSource } from './source.ts';
export {
  openTabular,
  previewTabular,
  type TabularMeta,
  type TabularOptions,
  type TabularPreview,
  type TabularReader,
} from './tabular.ts';
export type { SheetInfo, SheetOption } from './xlsx-reader.ts';
