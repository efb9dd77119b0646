import { useMemo } from 'react';
import { ApiError } from '../../api/http.ts';
import type { OverviewView } from '../../api/types.ts';
import { Link } from '../../app/router.tsx';
import { useStaff } from '../../app/session.tsx';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { Count, ErrorNote, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { kindLabel } from '../consents/kinds.ts';
import { DeliveryAlerts } from './Alerts.tsx';
import { getOverview } from './api.ts';

const PALETTE = ['#0b5cad', '#c2410c', '#15803d', '#7e22ce'];

export function HomeScreen() {
  const { t, formatDateTime } = useI18n();
  const staff = useStaff();
  const overview = useApi((signal) => getOverview(signal), []);
  const refused = overview.error instanceof ApiError && overview.error.status === 403;
  return (
    <Page title={t('home.title')}>
      <p>{t('home.welcome', { name: staff.displayName })}</p>
      <DeliveryAlerts />
      {overview.loading && !overview.data ? <Loading /> : null}
      {refused ? (
        <p className="note note-warn">
          {t('home.noFigures')} <Link href="/patients">{t('patients.title')}</Link>
        </p>
      ) : (
        <ErrorNote error={overview.error} onRetry={overview.reload} />
      )}
      {overview.data ? (
        <>
          <p className="muted small">{t('home.asOf', { date: formatDateTime(overview.data.asOf) })}</p>
          <Figures o={overview.data} />
        </>
      ) : null}
    </Page>
  );
}

function Figures({ o }: { o: OverviewView }) {
  const { t, lang, formatNumber } = useI18n();
  const branchName = (b: OverviewView['branches'][number]) => (lang === 'ru' ? b.nameRu : b.nameEn);
  const monthLabel = (m: string) =>
    new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { month: 'short', year: '2-digit' }).format(
      new Date(`${m}-01T12:00:00Z`),
    );
  const cell = (month: string, branchId: string) =>
    o.visitsByMonth.find((c) => c.month === month && c.branchId === branchId)?.visits ?? 0;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the option follows the figures and the language only
  const option = useMemo<ChartOption>(
    () => ({
      color: PALETTE,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: o.months.map(monthLabel) },
      yAxis: { type: 'value' },
      series: o.branches.map((b) => ({
        type: 'bar',
        name: branchName(b),
        // Suppressed cells are drawn as gaps, never as a made-up number.
        data: o.months.map((m) => cell(m, b.id)),
      })),
    }),
    [o, lang],
  );

  return (
    <>
      {o.suppressed ? <p className="note note-warn">{t('home.suppressed')}</p> : null}
      <section className="cards" aria-label={t('home.title')}>
        <div className="card" data-figure="patients">
          <div className="figure">
            <Count value={o.patients} />
          </div>
          <div className="label">{t('home.patients')}</div>
        </div>
        <div className="card" data-figure="visits">
          <div className="figure">
            <Count value={o.visitsLast12Months} />
          </div>
          <div className="label">{t('home.visits12')}</div>
        </div>
        <div className="card" data-figure="upcoming">
          <div className="figure">
            <Count value={o.upcomingAppointments} />
          </div>
          <div className="label">{t('home.upcoming')}</div>
        </div>
      </section>
      <section className="panel" aria-labelledby="visits-chart">
        <h2 id="visits-chart">{t('home.visitsChart')}</h2>
        <Chart option={option} label={t('home.visitsChartLabel')} />
        <details>
          <summary>{t('home.showTable')}</summary>
          <div className="table-wrap">
            <table>
              <caption className="sr-only">{t('home.tableCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('home.month')}</th>
                  {o.branches.map((b) => (
                    <th key={b.id} scope="col" className="num">
                      {branchName(b)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {o.months.map((m) => (
                  <tr key={m}>
                    <th scope="row">{monthLabel(m)}</th>
                    {o.branches.map((b) => (
                      <td key={b.id} className="num">
                        <Count value={cell(m, b.id)} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>
      <section className="panel" aria-labelledby="consents-head">
        <h2 id="consents-head">{t('home.consents')}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('home.consentKind')}</th>
                <th scope="col" className="num">
                  {t('home.consentPatients')}
                </th>
              </tr>
            </thead>
            <tbody>
              {o.consents.map((c) => (
                <tr key={c.kind}>
                  <td>{kindLabel(t, c.kind)}</td>
                  <td className="num">
                    {c.patients === null ? t('app.fewerThan11') : formatNumber(c.patients)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
