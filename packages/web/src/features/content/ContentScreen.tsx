import { useState } from 'react';
import type { PreviewView } from '../../api/types.ts';
import { Link } from '../../app/router.tsx';
import { useStaff } from '../../app/session.tsx';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { listTemplates, previewTemplate } from './api.ts';
import { CONTENT_AUTHORS } from './TemplateScreen.tsx';

type Channel = 'sms' | 'email' | 'messenger';
type Lang = 'ru' | 'en';
type StateKey =
  | 'content.state.draft'
  | 'content.state.in_review'
  | 'content.state.approved'
  | 'content.state.retired';

/** The template list with a preview of any template in any channel and language (sample values). */
export function ContentScreen() {
  const { t } = useI18n();
  const staff = useStaff();
  const templates = useApi((signal) => listTemplates(signal), []);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <Page
      title={t('content.title')}
      actions={
        CONTENT_AUTHORS.includes(staff.role) ? (
          <Link href="/content/new" className="button-link">
            {t('content.new')}
          </Link>
        ) : null
      }
    >
      <p>{t('content.intro')}</p>
      {templates.loading && !templates.data ? <Loading /> : null}
      <ErrorNote error={templates.error} onRetry={templates.reload} />
      {templates.data ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('content.key')}</th>
                <th scope="col">{t('content.name')}</th>
                <th scope="col">{t('content.purpose')}</th>
                <th scope="col">{t('content.state')}</th>
                <th scope="col">{t('content.approved')}</th>
                <th scope="col">
                  <span className="sr-only">
                    {t('content.open')}, {t('content.preview')}
                  </span>
                </th>
              </tr>
            </thead>
            <tbody>
              {templates.data.map((x) => (
                <tr key={x.id} data-template={x.key}>
                  <td>
                    <code>{x.key}</code>
                  </td>
                  <td>{x.name}</td>
                  <td>{x.sendPurpose}</td>
                  <td>
                    {t('content.versionN', { version: x.latest.version })} ·{' '}
                    {t(`content.state.${x.latest.state}` as StateKey)}
                  </td>
                  <td>{x.approvedVersion ?? t('content.none')}</td>
                  <td className="row">
                    <Link href={`/content/${x.id}`} aria-label={t('content.openOf', { key: x.key })}>
                      {t('content.open')}
                    </Link>
                    <button
                      type="button"
                      onClick={() => setSelected(x.key)}
                      aria-label={t('content.previewOf', { key: x.key })}
                    >
                      {t('content.preview')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {selected ? <PreviewPanel key={selected} templateKey={selected} /> : null}
    </Page>
  );
}

function PreviewPanel({ templateKey }: { templateKey: string }) {
  const { t, lang } = useI18n();
  const [channel, setChannel] = useState<Channel>('sms');
  const [language, setLanguage] = useState<Lang>(lang);
  const preview = useApi(
    () => previewTemplate(templateKey, { channel, language }),
    [templateKey, channel, language],
  );
  const p = preview.data;
  return (
    <section className="panel" aria-label={t('content.previewOf', { key: templateKey })}>
      <h2>{t('content.previewOf', { key: templateKey })}</h2>
      <div className="row">
        <Field label={t('content.channel')}>
          {(props) => (
            <select
              {...props}
              name="channel"
              value={channel}
              onChange={(e) => setChannel(e.target.value as Channel)}
            >
              <option value="sms">SMS</option>
              <option value="email">E-mail</option>
              <option value="messenger">Messenger</option>
            </select>
          )}
        </Field>
        <Field label={t('content.language')}>
          {(props) => (
            <select
              {...props}
              name="language"
              value={language}
              onChange={(e) => setLanguage(e.target.value as Lang)}
            >
              <option value="ru">Русский</option>
              <option value="en">English</option>
            </select>
          )}
        </Field>
      </div>
      {preview.loading && !p ? <Loading /> : null}
      <ErrorNote error={preview.error} onRetry={preview.reload} />
      {p ? <PreviewBody p={p} /> : null}
    </section>
  );
}

function PreviewBody({ p }: { p: PreviewView }) {
  const { t, lang } = useI18n();
  const m = p.message as
    | { channel: 'sms'; sms: { text: string } }
    | { channel: 'messenger'; messenger: { text: string } }
    | { channel: 'email'; email: { subject: string; text: string } }
    | null;
  const text = !m
    ? ''
    : m.channel === 'sms'
      ? m.sms.text
      : m.channel === 'messenger'
        ? m.messenger.text
        : m.email.text;
  return (
    <div data-preview={p.key}>
      <p className={p.sendable ? 'note' : 'note note-warn'}>
        {p.sendable ? t('content.sendable') : t('content.notSendable')}
      </p>
      {m?.channel === 'email' ? <p>{t('content.subject', { subject: m.email.subject })}</p> : null}
      {p.sms ? (
        <p data-sms-parts={p.sms.parts}>
          {t('content.parts', {
            characters: String(p.sms.characters),
            parts: String(p.sms.parts),
            encoding: p.sms.encoding,
          })}
        </p>
      ) : null}
      <pre className="message-preview">{text}</pre>
      {p.findings.length === 0 ? (
        <p className="note">{t('content.clean')}</p>
      ) : (
        <>
          <h3>{t('content.findings')}</h3>
          <ul>
            {p.findings.map((f) => (
              <li key={`${f.rule}:${f.field}:${f.message_en}`}>
                {f.rule} · {f.field}: {lang === 'ru' ? f.message_ru : f.message_en}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
