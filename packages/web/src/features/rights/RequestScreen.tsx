import { type FormEvent, useRef, useState } from 'react';
import type { SubjectRequestView } from '../../api/types.ts';
import { Link, type ScreenProps } from '../../app/router.tsx';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { download, erasePatient, exportPatient, extendRequest, listRequests, rejectRequest } from './api.ts';

/** One request: its deadline, and the actions that answer it — export, erase, extend, refuse. */
export function RequestScreen({ params }: ScreenProps) {
  const { t } = useI18n();
  const id = params.id!;
  const found = useApi(
    async (signal) => {
      for (const s of ['open', 'completed', 'rejected'] as const) {
        const r = (await listRequests(s, signal)).find((x) => x.id === id);
        if (r) return r;
      }
      return null;
    },
    [id],
  );
  return (
    <Page title={t('rights.one')} actions={<Link href="/requests">{t('rights.back')}</Link>}>
      {found.loading && !found.data ? <Loading /> : null}
      <ErrorNote error={found.error} onRetry={found.reload} />
      {found.data === null ? <p>{t('rights.notFound')}</p> : null}
      {found.data ? <RequestDetails r={found.data} onChange={found.reload} /> : null}
    </Page>
  );
}

function RequestDetails({ r, onChange }: { r: SubjectRequestView; onChange: () => void }) {
  const { t, maybe, formatDate, formatDateTime } = useI18n();
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [reasonFor, setReasonFor] = useState<'extend' | 'reject' | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const [confirmed, setConfirmed] = useState(false);

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await fn();
      setNotice(done);
      onChange();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const exportAs = (format: 'json' | 'html') =>
    act(async () => {
      // Only an access request is answered by the export; for the others it is a working copy.
      const body = await exportPatient(r.patientId, r.kind === 'access' ? r.id : undefined, format);
      if (format === 'html') download(body, 'text/html;charset=utf-8', `subject-export-${r.id}.html`);
      else download(JSON.stringify(body, null, 2), 'application/json', `subject-export-${r.id}.json`);
    }, t('rights.exported'));

  return (
    <>
      <section className="panel">
        <dl className="props" data-testid="request">
          <dt>{t('rights.kind')}</dt>
          <dd>{maybe(`rights.kind.${r.kind}`, r.kind)}</dd>
          <dt>{t('rights.received')}</dt>
          <dd>{formatDateTime(r.receivedAt)}</dd>
          <dt>{t('rights.via')}</dt>
          <dd>{r.receivedVia}</dd>
          <dt>{t('rights.jurisdiction')}</dt>
          <dd>{r.jurisdiction}</dd>
          <dt>{t('rights.due')}</dt>
          <dd className={r.overdue ? 'status-overdue' : ''} data-due>
            {formatDate(r.dueAt)}
            {r.status === 'open'
              ? ` (${r.overdue ? t('rights.overdue') : t('rights.daysLeft', { n: r.daysLeft })})`
              : ''}
          </dd>
          {r.extendedDueAt ? (
            <>
              <dt>{t('rights.extendedDue')}</dt>
              <dd>{formatDate(r.extendedDueAt)}</dd>
            </>
          ) : null}
          <dt>{t('consents.status')}</dt>
          <dd data-status={r.status}>{t(`rights.status.${r.status}`)}</dd>
          {r.closedAt ? (
            <>
              <dt>{t('rights.closed')}</dt>
              <dd>{formatDateTime(r.closedAt)}</dd>
            </>
          ) : null}
          <dt>{t('rights.patient')}</dt>
          <dd>
            <Link href={`/patients/${r.patientId}`}>{t('rights.patientCard')}</Link>
          </dd>
        </dl>
      </section>
      {notice ? (
        <p className="note note-ok" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorNote error={error} />
      {r.status === 'open' ? (
        <div className="row">
          <button type="button" disabled={busy} onClick={() => void exportAs('html')}>
            {t('rights.exportHtml')}
          </button>
          <button type="button" disabled={busy} onClick={() => void exportAs('json')}>
            {t('rights.exportJson')}
          </button>
          {!r.extendedDueAt ? (
            <button type="button" disabled={busy} onClick={() => setReasonFor('extend')}>
              {t('rights.extend')}
            </button>
          ) : null}
          <button type="button" disabled={busy} onClick={() => setReasonFor('reject')}>
            {t('rights.reject')}
          </button>
          {r.kind === 'erasure' || r.kind === 'unlawful_processing' ? (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => {
                setConfirmed(false);
                dialog.current?.showModal();
              }}
            >
              {t('rights.erase')}
            </button>
          ) : null}
        </div>
      ) : null}
      {reasonFor ? (
        <ReasonForm
          label={reasonFor === 'extend' ? t('rights.extend') : t('rights.reject')}
          onCancel={() => setReasonFor(null)}
          onSubmit={(reason) => {
            setReasonFor(null);
            void act(
              () => (reasonFor === 'extend' ? extendRequest(r.id, reason) : rejectRequest(r.id, reason)),
              reasonFor === 'extend' ? t('rights.extend') : t('rights.reject'),
            );
          }}
        />
      ) : null}
      <dialog ref={dialog} aria-labelledby="erase-title">
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            dialog.current?.close();
            void act(() => erasePatient(r.patientId, r.id), t('rights.erased'));
          }}
        >
          <h2 id="erase-title">{t('rights.eraseTitle')}</h2>
          <p>{t('rights.eraseText')}</p>
          <p>
            <label>
              <input
                type="checkbox"
                checked={confirmed}
                onChange={(e) => setConfirmed(e.target.checked)}
                style={{ width: 'auto', minHeight: 0, marginRight: '0.5rem' }}
              />
              {t('rights.eraseConfirm')}
            </label>
          </p>
          <div className="row">
            <button type="submit" className="danger" disabled={!confirmed}>
              {t('rights.eraseDo')}
            </button>
            <button type="button" onClick={() => dialog.current?.close()}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

function ReasonForm(props: { label: string; onSubmit: (reason: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length >= 3) props.onSubmit(reason.trim());
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={props.label}>
      <Field label={t('rights.reason')}>
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
        <button type="submit" className="primary">
          {props.label}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
