import { type FormEvent, useState } from 'react';
import type { IncidentView } from '../../api/types.ts';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { listIncidents, recordIncident, recordNotice } from './api.ts';

type Deadline = IncidentView['deadlines'][number];

/**
 * Personal-data incidents and their breach clocks (R43): each notice the clinic's jurisdiction
 * calls for, due from the moment of detection, overdue in red until it is recorded as sent; the
 * patients affected are counted from the audit log over the incident's scope.
 */
export function IncidentsScreen() {
  const { t } = useI18n();
  const list = useApi((signal) => listIncidents(signal), []);
  const [error, setError] = useState<unknown>(null);

  const notify = async (i: IncidentView, d: Deadline) => {
    setError(null);
    try {
      await recordNotice(i.id, d.notice);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title={t('incidents.title')}>
      <p className="muted">{t('incidents.intro')}</p>
      <ErrorNote error={error ?? list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.length === 0 ? <p>{t('incidents.none')}</p> : null}
      {list.data?.map((i) => (
        <IncidentCard key={i.id} incident={i} onNotify={(d) => void notify(i, d)} />
      ))}
      <IncidentForm onRecorded={list.reload} />
    </Page>
  );
}

function IncidentCard({
  incident: i,
  onNotify,
}: {
  incident: IncidentView;
  onNotify: (d: Deadline) => void;
}) {
  const { t, formatDateTime, formatNumber } = useI18n();
  return (
    <article className="panel" data-incident={i.id} aria-labelledby={`incident-${i.id}`}>
      <h2 id={`incident-${i.id}`}>{i.title}</h2>
      <p className="muted small">
        {t('incidents.detected', { at: formatDateTime(i.detectedAt) })} ·{' '}
        <span data-field="affected">
          {t('incidents.affected', { n: formatNumber(i.affected) })}
          {i.koapTier > 0 ? ` · ${t('incidents.tier', { tier: i.koapTier })}` : ''}
        </span>
      </p>
      {i.description ? <p style={{ whiteSpace: 'pre-wrap' }}>{i.description}</p> : null}
      <div className="table-wrap">
        <table data-testid="deadlines">
          <thead>
            <tr>
              <th scope="col">{t('incidents.notice')}</th>
              <th scope="col">{t('incidents.due')}</th>
              <th scope="col">{t('incidents.status')}</th>
              <th scope="col">
                <span className="sr-only">{t('incidents.markSent')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {i.deadlines.map((d) => (
              <tr key={d.notice} data-notice={d.notice} data-overdue={d.overdue}>
                <td>{t(`incidents.notice.${d.notice}`)}</td>
                <td>{formatDateTime(d.due)}</td>
                <td className={d.overdue ? 'status-overdue' : ''} data-field="status">
                  {d.sentAt
                    ? t('incidents.sent', { at: formatDateTime(d.sentAt) })
                    : d.overdue
                      ? t('incidents.overdue')
                      : t('incidents.pending')}
                </td>
                <td>
                  {d.sentAt ? null : (
                    <button
                      type="button"
                      aria-label={t('incidents.markSentNamed', { notice: t(`incidents.notice.${d.notice}`) })}
                      onClick={() => onNotify(d)}
                    >
                      {t('incidents.markSent')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

/** A `datetime-local` value as an instant, in the browser's zone. */
const instant = (local: string): string => new Date(local).toISOString();

function IncidentForm({ onRecorded }: { onRecorded: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [detectedAt, setDetectedAt] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [actor, setActor] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await recordIncident({
        title,
        description,
        detectedAt: instant(detectedAt),
        scope: { from: instant(from), to: instant(to), ...(actor.trim() ? { actor: actor.trim() } : {}) },
      });
      setTitle('');
      setDescription('');
      onRecorded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const input =
    (name: string, value: string, set: (v: string) => void, type = 'text', required = true) =>
    (p: { id: string; 'aria-describedby'?: string }) => (
      <input
        {...p}
        name={name}
        type={type}
        required={required}
        value={value}
        onChange={(e) => set(e.target.value)}
      />
    );
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="incident-new" data-testid="incident-form">
      <h2 id="incident-new">{t('incidents.new')}</h2>
      <ErrorNote error={error} />
      <fieldset disabled={busy}>
        <Field label={t('incidents.what')}>{input('title', title, setTitle)}</Field>
        <Field label={t('incidents.description')} hint={t('incidents.descriptionHint')}>
          {(p) => (
            <textarea
              {...p}
              name="description"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('incidents.detectedAt')}>
          {input('detectedAt', detectedAt, setDetectedAt, 'datetime-local')}
        </Field>
        <div className="row">
          <Field label={t('incidents.from')}>{input('from', from, setFrom, 'datetime-local')}</Field>
          <Field label={t('incidents.to')}>{input('to', to, setTo, 'datetime-local')}</Field>
        </div>
        <Field label={t('incidents.actor')} hint={t('incidents.actorHint')}>
          {input('actor', actor, setActor, 'text', false)}
        </Field>
        <button type="submit" className="primary">
          {t('incidents.record')}
        </button>
      </fieldset>
    </form>
  );
}
