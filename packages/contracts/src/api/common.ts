import Type, { type Static } from 'typebox';
import { ERROR_CODES } from '../errors.ts';
import { LANGUAGES, ROLES } from '../vocab.ts';

export const Uuid = Type.String({ format: 'uuid' });

export const RoleSchema = Type.Enum(ROLES);
export const LocaleSchema = Type.Enum(LANGUAGES);

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(ERROR_CODES),
      message: Type.String(),
      retryable: Type.Boolean(),
      requestId: Type.Optional(Type.String()),
      details: Type.Optional(
        Type.Array(Type.Object({ field: Type.Optional(Type.String()), issue: Type.String() })),
      ),
    }),
  },
  {
    $id: 'ErrorResponse',
    description: 'Every error: a code from the catalogue (docs/errors.md), never personal data.',
  },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export const Ok = Type.Object({ ok: Type.Literal(true) });
