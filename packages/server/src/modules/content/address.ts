import type { Language } from '@careloop/contracts';
import { declineName, effectiveSex, type GrammaticalCase } from './declension.ts';
import type { PersonName } from './model.ts';

/**
 * Forms of address. The template adds the punctuation («{{patient.salutation}}!»), so a
 * salutation is the bare phrase. «Уважаемый/Уважаемая» needs a sex we know (recorded, or
 * stated by the patronymic); without one the greeting says «Здравствуйте, …» rather than
 * guess, and with no name at all it falls back to the neutral «Уважаемый пациент».
 */

export const ADDRESS_STYLES = ['formal', 'informal'] as const;
export type AddressStyle = (typeof ADDRESS_STYLES)[number];

const clean = (s: string | undefined): string | undefined => {
  const t = s?.trim().replace(/\s+/g, ' ');
  return t ? t : undefined;
};

const cleaned = (p: PersonName): PersonName => {
  const firstName = clean(p.firstName);
  const patronymic = clean(p.patronymic);
  const lastName = clean(p.lastName);
  return {
    ...(firstName ? { firstName } : {}),
    ...(patronymic ? { patronymic } : {}),
    ...(lastName ? { lastName } : {}),
    ...(p.sex ? { sex: p.sex } : {}),
  };
};

/** «Анна Петровна» when the patronymic is known, else «Анна»; in any case. */
export const nameWithPatronymic = (
  person: PersonName,
  c: GrammaticalCase = 'nominative',
): string | undefined => {
  const p = declineName(cleaned(person), c);
  if (!p.firstName) return undefined;
  return p.patronymic ? `${p.firstName} ${p.patronymic}` : p.firstName;
};

/** «Иванова Анна Петровна» (surname first, as Russian forms write it); in any case. */
export const fullName = (person: PersonName, c: GrammaticalCase = 'nominative'): string | undefined => {
  const p = declineName(cleaned(person), c);
  const parts = [p.lastName, p.firstName, p.patronymic].filter((x): x is string => x !== undefined);
  return parts.length > 0 ? parts.join(' ') : undefined;
};

const russian = (person: PersonName, style: AddressStyle): string => {
  const sex = effectiveSex(person);
  const name = person.firstName;
  if (!name) return 'Уважаемый пациент';
  if (style === 'informal') {
    if (!sex) return `Здравствуйте, ${name}`;
    return `${sex === 'female' ? 'Дорогая' : 'Дорогой'} ${name}`;
  }
  const called = person.patronymic ? `${name} ${person.patronymic}` : name;
  if (!sex) return `Здравствуйте, ${called}`;
  return `${sex === 'female' ? 'Уважаемая' : 'Уважаемый'} ${called}`;
};

const english = (person: PersonName, style: AddressStyle): string => {
  const { firstName, lastName } = person;
  const sex = effectiveSex(person);
  if (style === 'formal' && lastName && sex) return `Dear ${sex === 'female' ? 'Ms' : 'Mr'} ${lastName}`;
  return firstName ? `Dear ${firstName}` : 'Dear patient';
};

/** The greeting phrase for a patient: «Уважаемая Анна Петровна», «Dear Ms Ivanova». */
export const salutation = (
  person: PersonName,
  language: Language,
  style: AddressStyle = 'formal',
): string => {
  const p = cleaned(person);
  return language === 'ru' ? russian(p, style) : english(p, style);
};
