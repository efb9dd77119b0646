/**
 * A feature's messages: Russian is the source, English must have exactly the same keys
 * (a missing or extra key does not compile). `{name}` placeholders are filled by t().
 */
export interface Messages<K extends string> {
  readonly ru: Readonly<Record<K, string>>;
  readonly en: Readonly<Record<K, string>>;
}

export const defineMessages = <K extends string>(m: {
  ru: Record<K, string>;
  en: Record<NoInfer<K>, string>;
}): Messages<K> => m;
