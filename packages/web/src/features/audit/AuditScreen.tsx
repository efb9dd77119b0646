import { type FormEvent, useState } from 'react';
import type { AuditEntryView } from '../../api/types.ts';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { type AuditFilter, listAudit, verifyAudit } from './api.ts';

const OUTCOMES = ['allowed', 'denied', 'done', 'failed'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function AuditScreen() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [draft, setDraft] = useState({ action: '', outcome: '', subjectId: '' });
  const [older, setOlder] = useState<AuditEntryView[]>([]);
  const [moreError, setMoreError] = useState<unknown>(null);
  const entries = useApi((signal) => listAudit(filter, signal), [filter]);
  const [verdict, setVerdict] = useState<{ ok: boolean; text: string } | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setOlder([]);
    setFilter({
      ...(/^[a-z_.]+$/.test(draft.action) ? { action: draft.action } : {}),
      ...(draft.outcome ? { outcome: draft.outcome as AuditFilter['outcome'] & string } : {}),
      ...(UUID.test(draft.subjectId.trim()) ? { subjectId: draft.subjectId.trim() } : {}),
    });
  };
  const all = [...(entries.data ?? []), ...older];
  const more = async () => {
    const last = all.at(-1);
    if (!last) return;
    try {
      setOlder([...older, ...(await listAudit({ ...filter, before: last.seq }))]);
    } catch (e) {
      setMoreError(e);
    }
  };
  const verify = async () => {
    setVerifyError(null);
    try {
      const r = await verifyAudit();
      setVerdict({
        ok: r.ok,
        text: r.ok
          ? t('audit.verifyOk', { n: r.entries })
          : t('audit.verifyBad', { seq: r.firstBadSeq ?? '?', problem: r.problem ?? '' }),
      });
    } catch (e) {
      setVerifyError(e);
    }
  };

  return (
    <Page
      title={t('audit.title')}
      actions={
        <button type="button" onClick={() => void verify()}>
          {t('audit.verify')}
        </button>
      }
    >
      <p className="muted">{t('audit.intro')}</p>
      {verdict ? (
        <p className={`note ${verdict.ok ? 'note-ok' : 'note-error'}`} role="status" data-testid="verify">
          {verdict.text}
        </p>
      ) : null}
      <ErrorNote error={verifyError} />
      <form className="panel row" onSubmit={apply}>
        <Field label={t('audit.action')} hint={t('audit.actionHint')}>
          {(p) => (
            <input
              {...p}
              name="action"
              value={draft.action}
              onChange={(e) => setDraft({ ...draft, action: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('audit.outcome')}>
          {(p) => (
            <select
              {...p}
              name="outcome"
              value={draft.outcome}
              onChange={(e) => setDraft({ ...draft, outcome: e.target.value })}
            >
              <option value="">{t('audit.any')}</option>
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('audit.subject')} hint={t('audit.subjectHint')}>
          {(p) => (
            <input
              {...p}
              name="subjectId"
              value={draft.subjectId}
              onChange={(e) => setDraft({ ...draft, subjectId: e.target.value })}
            />
          )}
        </Field>
        <div className="field">
          <button type="submit" className="primary">
            {t('audit.apply')}
          </button>
        </div>
      </form>
      {entries.loading && !entries.data ? <Loading /> : null}
      <ErrorNote error={entries.error ?? moreError} onRetry={entries.reload} />
      {entries.data && all.length === 0 ? <p>{t('audit.empty')}</p> : null}
      {all.length ? (
        <div className="table-wrap">
          <table data-testid="audit">
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('audit.seq')}
                </th>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.purpose')}</th>
                <th scope="col">{t('audit.outcome')}</th>
                <th scope="col">{t('audit.details')}</th>
              </tr>
            </thead>
            <tbody>
              {all.map((e) => (
                <AuditRow key={e.seq} e={e} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {all.length && (all.at(-1)?.seq ?? 0) > 1 ? (
        <button type="button" onClick={() => void more()} style={{ marginTop: '1rem' }}>
          {t('audit.more')}
        </button>
      ) : null}
    </Page>
  );
}

function AuditRow({ e }: { e: AuditEntryView }) {
  const { formatDateTime } = useI18n();
  return (
    <tr data-action={e.action}>
      <td className="num">{e.seq}</td>
      <td>{formatDateTime(e.at)}</td>
      <td className="small">{e.actor}</td>
      <td>
        <code>{e.action}</code>
      </td>
      <td className="small">{e.purpose ?? '—'}</td>
      <td className={e.outcome === 'denied' || e.outcome === 'failed' ? 'status-open' : ''}>{e.outcome}</td>
      <td className="small">
        {e.subjectType ? `${e.subjectType} ${e.subjectId ?? ''}` : ''}
        {Object.keys(e.details).length ? (
          <code style={{ display: 'block' }}>{JSON.stringify(e.details)}</code>
        ) : null}
      </td>
    </tr>
  );
}
