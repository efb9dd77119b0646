import { LANGUAGES, type Language } from '@careloop/contracts/vocab';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { MESSAGES, type MessageKey } from './messages.ts';

/**
 * Russian by default, English on request. The choice is kept in a first-party cookie
 * (not personal data, and never localStorage/sessionStorage — R38).
 */
const COOKIE = 'careloop_lang';

export function storedLanguage(): Language {
  const m = /(?:^|;\s*)careloop_lang=(ru|en)(?:;|$)/.exec(document.cookie);
  return (m?.[1] as Language | undefined) ?? 'ru';
}

function storeLanguage(lang: Language): void {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  // biome-ignore lint/suspicious/noDocumentCookie: one fixed non-personal value; the Cookie Store API is not in every browser clinics use
  document.cookie = `${COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Strict${secure}`;
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  readonly lang: Language;
  readonly setLang: (lang: Language) => void;
  readonly t: Translate;
  /** For keys built from server values ('status.' + status): the fallback when there is no message. */
  readonly maybe: (key: string, fallback: string) => string;
  readonly formatNumber: (n: number) => string;
  /** A share (0.005) as a percentage, up to two decimals ("0,5 %", "0.5%"). */
  readonly formatPercent: (share: number) => string;
  readonly formatDate: (iso: string) => string;
  readonly formatDateTime: (iso: string) => string;
  /**
   * Weekday, date and time as a clock in `timeZone` shows it (a branch's appointments),
   * with the zone's offset when it is not the reader's own.
   */
  readonly formatDateTimeIn: (iso: string, timeZone: string) => string;
}

const Ctx = createContext<I18n | null>(null);

const LOCALES: Record<Language, string> = { ru: 'ru-RU', en: 'en-GB' };
const localZone = new Intl.DateTimeFormat().resolvedOptions().timeZone;

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(storedLanguage);
  const setLang = useCallback((l: Language) => {
    if (!LANGUAGES.includes(l)) return;
    storeLanguage(l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    document.documentElement.lang = lang;
    const dict = MESSAGES[lang];
    const num = new Intl.NumberFormat(LOCALES[lang]);
    const pct = new Intl.NumberFormat(LOCALES[lang], { style: 'percent', maximumFractionDigits: 2 });
    const date = new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium' });
    const dateTime = new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short' });
    return {
      lang,
      setLang,
      t: (key, vars) => {
        const text = dict[key] ?? key;
        return vars ? text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`)) : text;
      },
      maybe: (key, fallback) => (dict as Readonly<Record<string, string>>)[key] ?? fallback,
      formatNumber: (n) => num.format(n),
      formatPercent: (share) => pct.format(share),
      formatDate: (iso) => date.format(new Date(iso)),
      formatDateTime: (iso) => dateTime.format(new Date(iso)),
      formatDateTimeIn: (iso, timeZone) =>
        new Intl.DateTimeFormat(LOCALES[lang], {
          weekday: 'short',
          day: 'numeric',
          month: 'short',
          hour: '2-digit',
          minute: '2-digit',
          timeZone,
          ...(timeZone === localZone ? {} : { timeZoneName: 'short' }),
        }).format(new Date(iso)),
    };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
