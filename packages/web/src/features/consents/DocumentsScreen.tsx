import { type FormEvent, useState } from 'react';
import type { ConsentDocumentView } from '../../api/types.ts';
import { useStaff } from '../../app/session.tsx';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { draftDocument, listDocuments, publishDocument } from './api.ts';
import { CONSENT_KINDS, kindLabel } from './kinds.ts';

export function DocumentsScreen() {
  const { t } = useI18n();
  const staff = useStaff();
  const docs = useApi((signal) => listDocuments(signal), []);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const owner = staff.role === 'owner';

  const publish = async (d: ConsentDocumentView) => {
    setError(null);
    setNotice(null);
    try {
      await publishDocument(d.id);
      setNotice(t('consents.publishedNote'));
      docs.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title={t('consents.title')}>
      <p className="muted">{t('consents.intro')}</p>
      {notice ? (
        <p className="note note-ok" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorNote error={error ?? docs.error} />
      {docs.loading && !docs.data ? <Loading /> : null}
      {docs.data ? <DocumentsTable docs={docs.data} onPublish={owner ? publish : undefined} /> : null}
      {owner ? (
        <DraftForm
          onDrafted={() => {
            setNotice(t('consents.drafted'));
            docs.reload();
          }}
        />
      ) : (
        <p className="muted small">{t('consents.ownerOnly')}</p>
      )}
    </Page>
  );
}

function DocumentsTable({
  docs,
  onPublish,
}: {
  docs: readonly ConsentDocumentView[];
  onPublish: ((d: ConsentDocumentView) => Promise<void>) | undefined;
}) {
  const { t, maybe, formatDate } = useI18n();
  return (
    <div className="table-wrap">
      <table data-testid="documents">
        <thead>
          <tr>
            <th scope="col">{t('consents.kind')}</th>
            <th scope="col">{t('consents.docTitle')}</th>
            <th scope="col">{t('consents.version')}</th>
            <th scope="col">{t('consents.locale')}</th>
            <th scope="col">{t('consents.status')}</th>
            <th scope="col">{t('consents.published')}</th>
            <th scope="col">
              <span className="sr-only">{t('consents.publish')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {docs.map((d) => (
            <tr key={d.id} data-status={d.status}>
              <td>
                {kindLabel(t, d.kind)}
                {d.writtenForm ? <span className="muted small"> · {t('consents.written')}</span> : null}
              </td>
              <td>
                <details>
                  <summary>{d.title}</summary>
                  <p className="small" style={{ whiteSpace: 'pre-wrap' }}>
                    {d.body}
                  </p>
                </details>
              </td>
              <td>{d.version}</td>
              <td>{d.locale}</td>
              <td>{maybe(`consents.status.${d.status}`, d.status)}</td>
              <td>{d.publishedAt ? formatDate(d.publishedAt) : '—'}</td>
              <td>
                {onPublish && d.status === 'draft' ? (
                  <button
                    type="button"
                    aria-label={t('consents.publishNamed', { title: d.title })}
                    onClick={() => void onPublish(d)}
                  >
                    {t('consents.publish')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DraftForm({ onDrafted }: { onDrafted: () => void }) {
  const { t, lang } = useI18n();
  const [kind, setKind] = useState<string>(CONSENT_KINDS[0]);
  const [locale, setLocale] = useState<'ru' | 'en'>(lang);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [widens, setWidens] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await draftDocument({ kind, locale, title, body, widens });
      setTitle('');
      setBody('');
      onDrafted();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-doc">
      <h2 id="new-doc">{t('consents.new')}</h2>
      <div className="row">
        <Field label={t('consents.kind')}>
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
        <Field label={t('consents.locale')}>
          {(p) => (
            <select
              {...p}
              name="locale"
              value={locale}
              onChange={(e) => setLocale(e.target.value as 'ru' | 'en')}
            >
              <option value="ru">Русский</option>
              <option value="en">English</option>
            </select>
          )}
        </Field>
      </div>
      <Field label={t('consents.docTitle')}>
        {(p) => (
          <input
            {...p}
            name="title"
            required
            minLength={3}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('consents.body')} hint={t('consents.bodyHint')}>
        {(p) => (
          <textarea
            {...p}
            name="body"
            required
            minLength={40}
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
        )}
      </Field>
      <div className="field">
        <label>
          <input
            type="checkbox"
            checked={widens}
            onChange={(e) => setWidens(e.target.checked)}
            style={{ width: 'auto', minHeight: 0, marginRight: '0.5rem' }}
          />
          {t('consents.widens')}
        </label>
      </div>
      <ErrorNote error={error} />
      <button type="submit" className="primary">
        {t('consents.saveDraft')}
      </button>
    </form>
  );
}
