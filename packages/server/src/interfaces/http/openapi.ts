import { ErrorResponse } from '@careloop/contracts';

/** Error responses for a route's schema: every one has the catalogue's body. */
export const errorResponses = (...statuses: number[]): Record<number, typeof ErrorResponse> =>
  Object.fromEntries(statuses.map((s) => [s, ErrorResponse]));
