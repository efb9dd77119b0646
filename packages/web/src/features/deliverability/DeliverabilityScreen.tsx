import { useState } from 'react';
import type { SendingDomainView } from '../../api/types.ts';
import { useStaff } from '../../app/session.tsx';
import { ErrorNote, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { getDomains, resumeDomain } from './api.ts';

/**
 * The complaint-rate breaker (R20): each sending domain's complaints per e-mail over the last
 * 24 hours, an alert from the first threshold and advertising e-mail paused from the second. A
 * pause holds until the owner, having dealt with the cause, resumes it.
 */
export function DeliverabilityScreen() {
  const { t, formatNumber, formatPercent, formatDateTime } = useI18n();
  const staff = useStaff();
  const owner = staff.role === 'owner';
  const view = useApi((signal) => getDomains(signal), []);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const resume = async (d: SendingDomainView) => {
    setError(null);
    setNotice(null);
    try {
      await resumeDomain(d.domain);
      setNotice(t('deliverability.resumedNote', { domain: d.domain }));
      view.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title={t('deliverability.title')}>
      {view.data ? (
        <p className="muted">
          {t('deliverability.intro', {
            alert: formatPercent(view.data.alertRate),
            pause: formatPercent(view.data.pauseRate),
          })}
        </p>
      ) : null}
      {notice ? (
        <p className="note note-ok" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorNote error={error ?? view.error} onRetry={view.reload} />
      {view.loading && !view.data ? <Loading /> : null}
      {view.data && view.data.domains.length === 0 ? <p>{t('deliverability.none')}</p> : null}
      {view.data?.domains.length ? (
        <div className="table-wrap">
          <table data-testid="sending-domains">
            <thead>
              <tr>
                <th scope="col">{t('deliverability.domain')}</th>
                <th scope="col">{t('deliverability.state')}</th>
                <th scope="col">{t('deliverability.sent')}</th>
                <th scope="col">{t('deliverability.complaints')}</th>
                <th scope="col">{t('deliverability.rate')}</th>
                <th scope="col">{t('deliverability.measured')}</th>
                {owner ? (
                  <th scope="col">
                    <span className="sr-only">{t('deliverability.resume')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {view.data.domains.map((d) => (
                <tr key={d.domain} data-domain={d.domain} data-state={d.state}>
                  <td>
                    <code>{d.domain}</code>
                  </td>
                  <td className={d.state === 'ok' ? '' : 'status-overdue'} data-field="state">
                    {t(`deliverability.state.${d.state}`)}
                    {d.state === 'paused' ? (
                      <div className="small">
                        {t('deliverability.since', { at: formatDateTime(d.changedAt) })}
                      </div>
                    ) : null}
                  </td>
                  <td>{formatNumber(d.sent)}</td>
                  <td>{formatNumber(d.complaints)}</td>
                  <td data-field="rate">{formatPercent(d.rate)}</td>
                  <td>{formatDateTime(d.measuredAt)}</td>
                  {owner ? (
                    <td>
                      {d.state === 'paused' ? (
                        <button
                          type="button"
                          aria-label={t('deliverability.resumeNamed', { domain: d.domain })}
                          onClick={() => void resume(d)}
                        >
                          {t('deliverability.resume')}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p className="muted small">{owner ? t('deliverability.resumeHint') : t('deliverability.ownerOnly')}</p>
    </Page>
  );
}
