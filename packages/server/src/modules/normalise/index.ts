export { type DateOptions, normaliseBirthDate, normaliseDate } from './dates.ts';
export { type FullName, fullNamesOf, isKnownFirstName, type NameSex } from './diminutives.ts';
export {
  normaliseOmsPolicy,
  normalisePostcode,
  normaliseSex,
  normaliseSnils,
  type Sex,
  type Snils,
  snilsCheck,
} from './documents.ts';
export { type Email, normaliseEmail } from './email.ts';
export {
  type FieldIssue,
  ISSUE_REASONS,
  type IssueReason,
  type Normalised,
  type Severity,
} from './issues.ts';
export {
  inferSex,
  isPatronymic,
  nameKey,
  nameOfFields,
  nameTranslitKey,
  normaliseNamePart,
  type PersonName,
  parseFullName,
  patronymicMatchesName,
  patronymicStem,
  type SexGuess,
  sexFromFirstName,
  sexFromPatronymic,
  sexFromSurname,
  type Take,
} from './names.ts';
export { normalisePhone, type Phone } from './phone.ts';
export { foldCase, foldName, titleCase } from './text.ts';
export { toCyrillic, toLatin, translitKey } from './translit.ts';
