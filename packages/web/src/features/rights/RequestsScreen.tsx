import { useState } from 'react';
import { Link } from '../../app/router.tsx';
import { ErrorNote, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { listRequests, type RequestStatus } from './api.ts';

/** Requests with their legal deadlines, most urgent first; overdue ones stand out (R9). */
export function RequestsScreen() {
  const { t, maybe, formatDate } = useI18n();
  const [status, setStatus] = useState<RequestStatus>('open');
  const list = useApi((signal) => listRequests(status, signal), [status]);
  return (
    <Page title={t('rights.title')}>
      <p className="muted">{t('rights.intro')}</p>
      <fieldset className="row">
        <legend className="sr-only">{t('rights.title')}</legend>
        {(['open', 'completed', 'rejected'] as const).map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={status === s}
            className={status === s ? 'primary' : ''}
            onClick={() => setStatus(s)}
          >
            {t(`rights.status.${s}`)}
          </button>
        ))}
      </fieldset>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorNote error={list.error} onRetry={list.reload} />
      {list.data && list.data.length === 0 ? <p>{t('rights.empty')}</p> : null}
      {list.data?.length ? (
        <div className="table-wrap">
          <table data-testid="requests">
            <thead>
              <tr>
                <th scope="col">{t('rights.kind')}</th>
                <th scope="col">{t('rights.received')}</th>
                <th scope="col">{t('rights.due')}</th>
                <th scope="col">{t('rights.left')}</th>
                <th scope="col">
                  <span className="sr-only">{t('rights.open')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((r) => (
                <tr key={r.id} data-overdue={r.overdue}>
                  <td>{maybe(`rights.kind.${r.kind}`, r.kind)}</td>
                  <td>{formatDate(r.receivedAt)}</td>
                  <td>{formatDate(r.extendedDueAt ?? r.dueAt)}</td>
                  <td className={r.overdue ? 'status-overdue' : ''}>
                    {r.status !== 'open'
                      ? '—'
                      : r.overdue
                        ? t('rights.overdue')
                        : t('rights.daysLeft', { n: r.daysLeft })}
                  </td>
                  <td>
                    <Link href={`/requests/${r.id}`}>
                      {t('rights.open')}
                      <span className="sr-only"> {maybe(`rights.kind.${r.kind}`, r.kind)}</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Page>
  );
}
