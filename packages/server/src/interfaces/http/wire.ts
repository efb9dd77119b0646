/**
 * What a domain value looks like once serialised to JSON: dates become ISO strings,
 * readonly drops away, undefined fields vanish. Routes return `wire(value)` so the
 * response schema and the domain type meet without casts.
 */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Wire<T[K]> }
      : T;

export const wire = <T>(value: T): Wire<T> => JSON.parse(JSON.stringify(value)) as Wire<T>;
