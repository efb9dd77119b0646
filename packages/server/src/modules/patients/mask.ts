/**
 * Identifiers are masked in API answers unless the caller asks to reveal one, which
 * is audited (R31, ASVS 14.2.6). Masks keep enough to confirm a number by phone.
 */
export const REVEALABLE = ['phone', 'email', 'snils', 'omsPolicy', 'nationalId'] as const;
export type Revealable = (typeof REVEALABLE)[number];

export function maskPhone(e164: string): string {
  const d = e164.replace(/\D/g, '');
  if (d.length < 6) return '***';
  return `+${d.slice(0, d.length - 10 > 0 ? d.length - 10 : 1)} ${d.slice(-10, -7)} ***-**-${d.slice(-2)}`;
}

export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Keeps the last `keep` digits: «***-***-*** 45» for a СНИЛС. */
export function maskDigits(value: string, keep = 2): string {
  let seen = 0;
  const digits = value.replace(/\D/g, '').length;
  return value.replace(/\d/g, (d) => (++seen > digits - keep ? d : '*'));
}
