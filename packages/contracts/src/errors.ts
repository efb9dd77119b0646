/**
 * The error-code catalogue: every error Careloop reports, with its HTTP status,
 * whether a retry can help, and a message in each UI language. The server builds
 * every error from this table, docs/errors.md lists exactly these codes (a test
 * keeps them in step), and the dashboard translates by code.
 */
export const ERRORS = {
  VALIDATION_FAILED: {
    status: 400,
    retryable: false,
    en: 'The request is not valid.',
    ru: 'Запрос заполнен неверно.',
  },
  BAD_REQUEST: {
    status: 400,
    retryable: false,
    en: 'The request cannot be processed.',
    ru: 'Запрос не может быть обработан.',
  },
  UNAUTHENTICATED: { status: 401, retryable: false, en: 'Please sign in.', ru: 'Войдите в систему.' },
  INVALID_CREDENTIALS: {
    status: 401,
    retryable: false,
    en: 'The e-mail or password is wrong.',
    ru: 'Неверный e-mail или пароль.',
  },
  CSRF_INVALID: {
    status: 403,
    retryable: false,
    en: 'The form has expired; reload the page.',
    ru: 'Форма устарела, обновите страницу.',
  },
  ROLE_NOT_PERMITTED: {
    status: 403,
    retryable: false,
    en: 'Your role does not allow this.',
    ru: 'Ваша роль не позволяет это сделать.',
  },
  PURPOSE_NOT_PERMITTED: {
    status: 403,
    retryable: false,
    en: 'This purpose does not allow access to these data.',
    ru: 'Цель обработки не допускает доступа к этим данным.',
  },
  REASON_REQUIRED: {
    status: 403,
    retryable: false,
    en: 'State the reason for this access.',
    ru: 'Укажите причину доступа.',
  },
  CONSENT_MISSING: {
    status: 409,
    retryable: false,
    en: 'The patient has not given the consent this needs.',
    ru: 'Нет необходимого согласия пациента.',
  },
  NOT_FOUND: { status: 404, retryable: false, en: 'Not found.', ru: 'Не найдено.' },
  CONFLICT: {
    status: 409,
    retryable: false,
    en: 'This conflicts with the current state.',
    ru: 'Конфликт с текущим состоянием.',
  },
  SLOT_TAKEN: {
    status: 409,
    retryable: false,
    en: 'This time has just been taken; choose another slot.',
    ru: 'Это время только что заняли; выберите другое.',
  },
  ALREADY_EXISTS: {
    status: 409,
    retryable: false,
    en: 'This already exists.',
    ru: 'Такая запись уже существует.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    retryable: false,
    en: 'The upload is too large.',
    ru: 'Файл слишком большой.',
  },
  UNSUPPORTED_FORMAT: {
    status: 415,
    retryable: false,
    en: 'This file format is not supported.',
    ru: 'Формат файла не поддерживается.',
  },
  IMPORT_FILE_EMPTY: {
    status: 422,
    retryable: false,
    en: 'The file is empty.',
    ru: 'Файл пуст.',
  },
  IMPORT_FILE_CORRUPT: {
    status: 422,
    retryable: false,
    en: 'The file is damaged and cannot be read.',
    ru: 'Файл повреждён и не может быть прочитан.',
  },
  IMPORT_MAPPING_INVALID: {
    status: 400,
    retryable: false,
    en: 'The column mapping is not valid.',
    ru: 'Сопоставление столбцов задано неверно.',
  },
  IMPORT_SOURCE_BUSY: {
    status: 409,
    retryable: true,
    en: 'An import from this source is already running; try again when it has finished.',
    ru: 'Из этого источника уже идёт загрузка; повторите, когда она закончится.',
  },
  CONTENT_LINT_FAILED: {
    status: 422,
    retryable: false,
    en: 'The compliance check found errors; fix them before review and approval.',
    ru: 'Проверка соответствия нашла ошибки; исправьте их перед отправкой на проверку и утверждением.',
  },
  CONTENT_APPROVER_IS_AUTHOR: {
    status: 403,
    retryable: false,
    en: 'The author of a version cannot approve it.',
    ru: 'Автор версии не может её утвердить.',
  },
  CONTENT_NOT_SENDABLE: {
    status: 409,
    retryable: false,
    en: 'Only an approved template version can be sent.',
    ru: 'Отправлять можно только утверждённую версию шаблона.',
  },
  SENDER_NOT_AUTHENTICATED: {
    status: 409,
    retryable: true,
    en: 'The sending domain does not pass SPF, DKIM and DMARC: fix its DNS records before the campaign starts.',
    ru: 'Домен отправителя не проходит проверку SPF, DKIM и DMARC: исправьте его DNS-записи, прежде чем запускать кампанию.',
  },
  CONTENT_RENDER_FAILED: {
    status: 422,
    retryable: false,
    en: 'The template cannot be rendered for this recipient and purpose.',
    ru: 'Шаблон не может быть подготовлен для этого получателя и цели.',
  },
  RATE_LIMITED: {
    status: 429,
    retryable: true,
    en: 'Too many attempts; wait a little and try again.',
    ru: 'Слишком много попыток, повторите позже.',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    retryable: true,
    en: 'The database is not available.',
    ru: 'База данных недоступна.',
  },
  CONFIG_INVALID: {
    status: 500,
    retryable: false,
    en: 'The configuration is not valid.',
    ru: 'Конфигурация задана неверно.',
  },
  DATA_DIR_UNAVAILABLE: {
    status: 500,
    retryable: false,
    en: 'The data directory cannot be used.',
    ru: 'Каталог данных недоступен.',
  },
  INTERNAL: {
    status: 500,
    retryable: true,
    en: 'Something went wrong on our side.',
    ru: 'Внутренняя ошибка сервера.',
  },
  SEGMENT_RULE_INVALID: {
    status: 400,
    retryable: false,
    en: 'The segment rule is not valid.',
    ru: 'Правило сегмента задано неверно.',
  },
} as const satisfies Record<string, ErrorSpec>;

export interface ErrorSpec {
  readonly status: number;
  readonly retryable: boolean;
  readonly en: string;
  readonly ru: string;
}

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/** The body of every error response. `details` never carries personal data. */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly retryable: boolean;
    readonly requestId?: string;
    readonly details?: readonly ErrorDetail[];
  };
}

export interface ErrorDetail {
  readonly field?: string;
  readonly issue: string;
}
