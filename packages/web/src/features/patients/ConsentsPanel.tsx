import { type FormEvent, useState } from 'react';
import type { ConsentRequest } from '../../api/types.ts';
import { ErrorNote, Field, Loading, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { CONSENT_KINDS, kindLabel } from '../consents/kinds.ts';
import { getConsents, publishedDocuments, recordConsent } from './api.ts';

const STAFF_METHODS = ['paper', 'e_signature', 'phone_call', 'web_form', 'sms_code', 'messenger'] as const;
type Method = (typeof STAFF_METHODS)[number];

/**
 * Consent history and capture. Withdrawing is one click on the row, as granting is one
 * submit of the form: never more steps to withdraw than to grant (R8).
 */
export function ConsentsPanel({ patientId }: { patientId: string }) {
  const { t, maybe, lang, formatDateTime } = useI18n();
  const consents = useApi((signal) => getConsents(patientId, signal), [patientId]);
  const docs = useApi((signal) => publishedDocuments(signal), []);
  const [method, setMethod] = useState<Method>('paper');
  const [kind, setKind] = useState<string>(CONSENT_KINDS[0]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const candidates = (docs.data ?? []).filter((d) => d.kind === kind);
  const doc = candidates.find((d) => d.locale === lang) ?? candidates[0];

  const send = async (body: ConsentRequest) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const r = await recordConsent(patientId, body);
      setNotice(r.changed ? t('patients.recorded') : t('patients.unchanged'));
      consents.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const grant = (e: FormEvent) => {
    e.preventDefault();
    if (doc) void send({ kind, event: 'granted', captureMethod: method, documentId: doc.id });
  };

  return (
    <section className="panel" aria-labelledby="consents-title">
      <h2 id="consents-title">{t('patients.consents')}</h2>
      <div className="row">
        <Field label={t('patients.method')}>
          {(p) => (
            <select {...p} name="method" value={method} onChange={(e) => setMethod(e.target.value as Method)}>
              {STAFF_METHODS.map((m) => (
                <option key={m} value={m}>
                  {maybe(`method.${m}`, m)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {notice ? (
        <p className="note note-ok" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorNote error={error ?? consents.error} />
      {consents.loading && !consents.data ? <Loading /> : null}
      {consents.data ? (
        <>
          <h3>{t('patients.current')}</h3>
          {consents.data.current.length === 0 ? <p>{t('patients.noConsents')}</p> : null}
          <div className="table-wrap">
            <table data-testid="consents-current">
              <thead>
                <tr>
                  <th scope="col">{t('patients.kind')}</th>
                  <th scope="col">{t('patients.status')}</th>
                  <th scope="col">{t('patients.since')}</th>
                  <th scope="col">{t('patients.expires')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('patients.withdraw')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {consents.data.current.map((c) => (
                  <tr key={`${c.kind}|${c.channel ?? ''}`} data-kind={c.kind}>
                    <td>{kindLabel(t, c.kind)}</td>
                    <td data-status={c.active ? 'active' : c.status}>
                      {maybe(`status.${c.status}`, c.status)}
                    </td>
                    <td>{formatDateTime(c.since)}</td>
                    <td>{c.expiresAt ? formatDateTime(c.expiresAt) : '—'}</td>
                    <td>
                      {c.active ? (
                        <button
                          type="button"
                          disabled={busy}
                          aria-label={t('patients.withdrawNamed', { kind: kindLabel(t, c.kind) })}
                          onClick={() =>
                            void send({ kind: c.kind, event: 'withdrawn', captureMethod: method })
                          }
                        >
                          {t('patients.withdraw')}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form onSubmit={grant} aria-labelledby="record-consent">
            <h3 id="record-consent">{t('patients.record')}</h3>
            <div className="row">
              <Field label={t('patients.kind')}>
                {(p) => (
                  <select {...p} name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
                    {CONSENT_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {kindLabel(t, k)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <div className="field">
                <button type="submit" className="primary" disabled={busy || !doc}>
                  {t('patients.grant')}
                </button>
              </div>
            </div>
            {doc ? (
              <p className="muted small">
                {t('patients.document')}: {doc.title} (v{doc.version})
              </p>
            ) : docs.data ? (
              <p className="muted small">{t('patients.noDocument')}</p>
            ) : null}
          </form>
          <details>
            <summary>{t('patients.history')}</summary>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('patients.when')}</th>
                    <th scope="col">{t('patients.kind')}</th>
                    <th scope="col">{t('patients.event')}</th>
                    <th scope="col">{t('patients.method')}</th>
                    <th scope="col">{t('patients.document')}</th>
                  </tr>
                </thead>
                <tbody>
                  {consents.data.history.map((h) => (
                    <tr key={h.id}>
                      <td>{formatDateTime(h.occurredAt)}</td>
                      <td>{kindLabel(t, h.kind)}</td>
                      <td>{maybe(`status.${h.event}`, h.event)}</td>
                      <td>{maybe(`method.${h.captureMethod}`, h.captureMethod)}</td>
                      <td>{h.document ? `${h.document.title} (v${h.document.version})` : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      ) : null}
    </section>
  );
}
