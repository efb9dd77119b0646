import { ISSUE_REASONS } from '@careloop/contracts/issues';
import { type FormEvent, useState } from 'react';
import type { QuarantineItemView } from '../../api/types.ts';
import { Link, type ScreenProps } from '../../app/router.tsx';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { CORE_FIELDS, dismissRow, fixRow, listBatches, listQuarantine, mappingOf } from './api.ts';

type Status = 'open' | 'fixed' | 'dismissed';

/** One import's quarantine: every row not taken as it was, with reasons; fix or set aside. */
export function QuarantineScreen({ params }: ScreenProps) {
  const { t, maybe, formatDateTime } = useI18n();
  const batchId = params.id!;
  const [status, setStatus] = useState<Status>('open');
  const [notice, setNotice] = useState<string | null>(null);
  const items = useApi((signal) => listQuarantine(batchId, status, signal), [batchId, status]);
  const batch = useApi(
    async (signal) => (await listBatches(signal)).find((b) => b.id === batchId),
    [batchId, items.data],
  );

  return (
    <Page title={t('imports.quarantine')} actions={<Link href="/imports">{t('imports.title')}</Link>}>
      {batch.data ? (
        <p className="muted">
          {batch.data.fileName} · {maybe(`imports.status.${batch.data.status}`, batch.data.status)} ·{' '}
          {formatDateTime(batch.data.startedAt)}
        </p>
      ) : null}
      <fieldset className="row">
        <legend className="sr-only">{t('imports.q.show')}</legend>
        {(['open', 'fixed', 'dismissed'] as const).map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={status === s}
            className={status === s ? 'primary' : ''}
            onClick={() => setStatus(s)}
          >
            {t(`imports.q.${s}`)}
          </button>
        ))}
      </fieldset>
      {notice ? (
        <p className="note note-ok" role="status">
          {notice}
        </p>
      ) : null}
      {items.loading && !items.data ? <Loading /> : null}
      <ErrorNote error={items.error} onRetry={items.reload} />
      {items.data && items.data.length === 0 ? <p>{t('imports.q.empty')}</p> : null}
      {items.data?.map((item) => (
        <QuarantineRow
          key={item.id}
          item={item}
          onDone={(msg) => {
            setNotice(msg);
            items.reload();
          }}
        />
      ))}
    </Page>
  );
}

function QuarantineRow({ item, onDone }: { item: QuarantineItemView; onDone: (msg: string) => void }) {
  const { t, lang, maybe } = useI18n();
  const [mode, setMode] = useState<'view' | 'fix' | 'dismiss'>('view');
  // The fix is the whole row by field: start from the row as mapped when the mapping is known.
  const mapped = mappingOf(item.batchId);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      (mapped ?? [])
        .filter((c) => c.field && item.raw[c.name] !== undefined)
        .map((c) => [c.field!, item.raw[c.name]!]),
    ),
  );
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [stillBad, setStillBad] = useState(false);
  const [issues, setIssues] = useState(item.issues);
  // 'birth_date|phone|email|snils' means "one of these": each gets an input.
  const issueFields = issues.flatMap((i) => i.field.split('|')).filter((f) => f && f !== 'row');
  const fields = [
    ...new Set([
      ...issueFields,
      ...(mapped ? mapped.flatMap((c) => (c.field ? [c.field] : [])) : CORE_FIELDS),
    ]),
  ];
  const fieldLabel = (f: string) =>
    f
      .split('|')
      .map((x) => maybe(`importField.${x}`, x))
      .join(` ${t('imports.q.or')} `);
  const issueText = (reason: string) =>
    reason in ISSUE_REASONS
      ? ISSUE_REASONS[reason as keyof typeof ISSUE_REASONS][lang]
      : maybe(`problem.${reason}`, reason);

  const fix = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await fixRow(
        item.id,
        Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== '')),
      );
      if (r.fixed) onDone(t('imports.q.fixedNote'));
      else {
        setIssues(r.issues);
        setStillBad(true);
      }
    } catch (err) {
      setError(err);
    }
  };
  const dismiss = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await dismissRow(item.id, reason.trim());
      onDone(t('imports.q.dismissedNote'));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <article className="panel" data-row={item.rowNo} aria-labelledby={`q-${item.id}`}>
      <h2 id={`q-${item.id}`}>
        {t('imports.q.rowNo', { n: item.rowNo })}{' '}
        <span className="muted small">({t(`imports.q.verdict.${item.verdict}`)})</span>
      </h2>
      <ul className="issues">
        {issues.map((i) => (
          <li key={`${i.field}-${i.reason}`} data-reason={i.reason}>
            <strong>{i.field && i.field !== 'row' ? fieldLabel(i.field) : t('imports.q.issueRow')}</strong>:{' '}
            {issueText(i.reason)}
          </li>
        ))}
      </ul>
      <details>
        <summary>{t('imports.q.raw')}</summary>
        <dl className="props">
          {Object.entries(item.raw).map(([k, v]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </details>
      <ErrorNote error={error} />
      {stillBad ? <p className="note note-warn">{t('imports.q.stillBad')}</p> : null}
      {item.status === 'open' && mode === 'view' ? (
        <div className="row" style={{ marginTop: '0.75rem' }}>
          {fields.length ? (
            <button type="button" onClick={() => setMode('fix')}>
              {t('imports.q.fix')}
            </button>
          ) : null}
          <button type="button" onClick={() => setMode('dismiss')}>
            {t('imports.q.dismiss')}
          </button>
        </div>
      ) : null}
      {mode === 'fix' ? (
        <form onSubmit={fix} aria-label={t('imports.q.fix')}>
          {fields.map((f) => (
            <Field key={f} label={maybe(`importField.${f}`, f)}>
              {(p) => (
                <input
                  {...p}
                  name={f}
                  value={values[f] ?? ''}
                  onChange={(e) => setValues({ ...values, [f]: e.target.value })}
                />
              )}
            </Field>
          ))}
          <div className="row">
            <button type="submit" className="primary">
              {t('imports.q.fix')}
            </button>
            <button type="button" onClick={() => setMode('view')}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      ) : null}
      {mode === 'dismiss' ? (
        <form onSubmit={dismiss} aria-label={t('imports.q.dismiss')}>
          <Field label={t('imports.q.reason')}>
            {(p) => (
              <input
                {...p}
                name="reason"
                required
                minLength={3}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            )}
          </Field>
          <div className="row">
            <button type="submit" className="primary" disabled={reason.trim().length < 3}>
              {t('imports.q.dismiss')}
            </button>
            <button type="button" onClick={() => setMode('view')}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      ) : null}
    </article>
  );
}
