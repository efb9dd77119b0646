import Type, { type Static } from 'typebox';
import { LocaleSchema, RoleSchema, Uuid } from './common.ts';

export const LoginRequest = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type LoginRequest = Static<typeof LoginRequest>;

export const SessionView = Type.Object({
  userId: Uuid,
  tenantId: Uuid,
  role: RoleSchema,
  displayName: Type.String(),
  email: Type.String(),
  locale: LocaleSchema,
  isDemo: Type.Boolean(),
  /** Send back in the x-csrf-token header with every write. */
  csrfToken: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});
export type SessionView = Static<typeof SessionView>;
