/**
 * Every normaliser returns a typed result instead of throwing: a value, or an issue
 * with a stable snake_case reason that the import quarantine stores and the UI
 * translates. `reject` means the value cannot be used; `doubt` means a person should
 * look at it (a best guess may be attached).
 */
/** Shared with the dashboard, which shows quarantine reasons in the reader's language. */
export const ISSUE_REASONS = {
  missing: { ru: 'Значение не заполнено.', en: 'The value is empty.' },
  name_invalid: { ru: 'Имя содержит недопустимые символы.', en: 'The name contains invalid characters.' },
  name_unparsed: {
    ru: 'Не удалось разобрать ФИО: порядок частей неясен.',
    en: 'The full name could not be split: the order of its parts is unclear.',
  },
  date_invalid: { ru: 'Дата в неизвестном формате.', en: 'The date is in an unknown format.' },
  date_impossible: {
    ru: 'Такой даты не существует (например, 31.02 или месяц 13).',
    en: 'No such date exists (e.g. 31 Feb or month 13).',
  },
  date_future: { ru: 'Дата рождения в будущем.', en: 'The birth date is in the future.' },
  date_too_old: { ru: 'Дата рождения раньше 1880 года.', en: 'The birth date is before 1880.' },
  date_ambiguous: {
    ru: 'Дата неоднозначна: день и месяц можно поменять местами.',
    en: 'The date is ambiguous: day and month could be swapped.',
  },
  phone_invalid: { ru: 'Номер телефона недействителен.', en: 'The phone number is not valid.' },
  email_invalid: { ru: 'Адрес e-mail недействителен.', en: 'The e-mail address is not valid.' },
  email_typo: {
    ru: 'Похоже на опечатку в домене e-mail.',
    en: 'The e-mail domain looks like a typo.',
  },
  snils_format: {
    ru: 'СНИЛС должен состоять из 11 цифр (XXX-XXX-XXX YY).',
    en: 'A SNILS has 11 digits (XXX-XXX-XXX YY).',
  },
  snils_checksum: { ru: 'Контрольное число СНИЛС не сходится.', en: 'The SNILS check number is wrong.' },
  oms_format: {
    ru: 'Номер полиса ОМС должен состоять из 16 цифр.',
    en: 'An OMS policy number has 16 digits.',
  },
  sex_unknown: { ru: 'Пол не распознан.', en: 'The sex value is not recognised.' },
  postcode_invalid: { ru: 'Почтовый индекс должен состоять из 6 цифр.', en: 'A postcode has 6 digits.' },
  consent_value: {
    ru: 'Отметка о согласии не распознана (ожидается «да», «нет» или дата).',
    en: 'The consent mark is not recognised (yes, no or a date).',
  },
  consent_minor: {
    ru: 'Согласие несовершеннолетнего принимается только от законного представителя.',
    en: 'A minor consents only through a legal representative.',
  },
  consent_no_text: {
    ru: 'В клинике нет опубликованного текста этого согласия.',
    en: 'The clinic has no published text for this consent.',
  },
} as const;
