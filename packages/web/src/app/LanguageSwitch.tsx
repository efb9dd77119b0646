import { LANGUAGES, type Language } from '@careloop/contracts/vocab';
import { useId } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

const NAMES: Record<Language, string> = { ru: 'Русский', en: 'English' };

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  const id = useId();
  return (
    <div className="lang">
      <label htmlFor={id}>{t('app.language')}</label>
      <select id={id} value={lang} onChange={(e) => setLang(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
