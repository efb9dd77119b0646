import { ApiError } from '../../api/http.ts';
import { ErrorNote } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { type Channel, errorCount, type Finding, placeOf } from './draft.ts';

const RULES = new Set(['R13', 'R14', 'R15', 'R16', 'R18', 'R21', 'STRUCTURE']);

/** "SMS (русский)" */
export function useVariantName(): (channel: Channel, lang: 'ru' | 'en') => string {
  const { t } = useI18n();
  return (channel, lang) =>
    t('content.variantOf', { channel: t(`content.channel.${channel}`), lang: t(`content.lang.${lang}`) });
}

/** Where a finding points, in words: "block 2 · SMS (Russian)", "E-mail (Russian) · subject". */
function usePlaceName(): (f: Finding) => string {
  const { t, maybe } = useI18n();
  const variant = useVariantName();
  return (f) => {
    const p = placeOf(f.field);
    if (p.at === 'block') {
      const block = t('content.where.block', { n: p.index + 1 });
      return p.channel && p.language ? `${block} · ${variant(p.channel, p.language)}` : block;
    }
    if (p.at === 'variant')
      return `${variant(p.channel, p.language)} · ${maybe(`content.part.${p.part}`, p.part)}`;
    return t('content.where.template');
  };
}

/**
 * The linter's findings in the reader's language, each with its requirement id (R13–R21) and
 * where it points. Errors first. `id` lets a field point at the list with aria-describedby.
 */
export function FindingList({
  findings,
  id,
  showPlace = true,
}: {
  findings: readonly Finding[];
  id?: string;
  showPlace?: boolean;
}) {
  const { t, lang } = useI18n();
  const place = usePlaceName();
  if (findings.length === 0) return null;
  const sorted = [...findings].sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1,
  );
  return (
    <ul className="findings" id={id}>
      {sorted.map((f, i) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: findings have no id and may repeat word for word
          key={`${f.rule}:${f.field}:${i}`}
          className={f.severity === 'error' ? 'finding finding-error' : 'finding finding-warn'}
          data-rule={f.rule}
          data-severity={f.severity}
        >
          <strong>{t(`content.severity.${f.severity}`)}</strong>{' '}
          <span className="rule">
            {RULES.has(f.rule) ? t(`content.rule.${f.rule}` as MessageKey) : f.rule}
          </span>
          {showPlace ? <span className="muted small"> · {place(f)}</span> : null}
          <br />
          {lang === 'ru' ? f.message_ru : f.message_en}
        </li>
      ))}
    </ul>
  );
}

/** "Errors: 2, warnings: 0" with what errors block; announced politely as the check changes. */
export function CheckSummary({ findings, pending }: { findings: readonly Finding[]; pending: boolean }) {
  const { t } = useI18n();
  const errors = errorCount(findings);
  return (
    <div role="status" aria-live="polite" data-check-errors={pending ? undefined : errors}>
      {pending ? (
        <p className="muted">{t('content.checking')}</p>
      ) : findings.length === 0 ? (
        <p className="note note-ok">{t('content.clean')}</p>
      ) : (
        <div className={errors ? 'note note-error' : 'note note-warn'}>
          <p>{t('content.summary', { errors, warnings: findings.length - errors })}</p>
          {errors ? <p>{t('content.errorsBlock')}</p> : null}
        </div>
      )}
    </div>
  );
}

/**
 * A refused save or workflow step, in words. A lint refusal's details are the linter's English
 * sentences: the findings next to the fields say the same in the reader's language, so the note
 * points there instead.
 */
export function ActionError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!(error instanceof ApiError)) return <ErrorNote error={error} />;
  const lint = error.code === 'CONTENT_LINT_FAILED';
  const invalid = error.code === 'VALIDATION_FAILED';
  return (
    <>
      <ErrorNote
        error={lint ? new ApiError(error.code, error.status, error.message, error.requestId) : error}
      />
      {lint ? <p className="note note-warn">{t('content.lintRefused')}</p> : null}
      {invalid ? <p className="note note-warn">{t('content.saveInvalid')}</p> : null}
    </>
  );
}
