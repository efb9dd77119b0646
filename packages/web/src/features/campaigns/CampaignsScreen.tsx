import { type FormEvent, useMemo, useState } from 'react';
import type { CampaignResults, CampaignView, PlaybookView } from '../../api/types.ts';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import {
  campaignResults,
  createCampaign,
  launchCampaign,
  listCampaigns,
  listPlaybooks,
  previewCampaign,
} from './api.ts';

/** Switch a playbook on, preview its audience, launch it and compare it with its control group. */
export function CampaignsScreen() {
  const { t, lang } = useI18n();
  const playbooks = useApi((signal) => listPlaybooks(lang, signal), [lang]);
  const campaigns = useApi((signal) => listCampaigns(signal), []);
  return (
    <Page title={t('campaigns.title')}>
      <ErrorNote error={playbooks.error ?? campaigns.error} onRetry={campaigns.reload} />
      {playbooks.data ? <NewCampaign playbooks={playbooks.data} onCreated={campaigns.reload} /> : <Loading />}
      <section className="panel" aria-labelledby="campaigns-list">
        <h2 id="campaigns-list">{t('campaigns.list')}</h2>
        {campaigns.data?.length === 0 ? <p>{t('campaigns.none')}</p> : null}
        {campaigns.data?.map((c) => (
          <CampaignCard
            key={c.id}
            campaign={c}
            playbook={playbooks.data?.find((p) => p.key === c.playbook)}
            onChange={campaigns.reload}
          />
        ))}
      </section>
    </Page>
  );
}

function NewCampaign({ playbooks, onCreated }: { playbooks: PlaybookView[]; onCreated: () => void }) {
  const { t } = useI18n();
  const [key, setKey] = useState(playbooks[0]?.key ?? 'recall');
  const pb = playbooks.find((p) => p.key === key);
  const [channel, setChannel] = useState<string>('');
  const [control, setControl] = useState('10');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await createCampaign({
        playbook: key,
        ...(channel ? { channel: channel as NonNullable<PlaybookView['defaultChannel']> } : {}),
        controlPct: Number(control),
      });
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  const channelName = (c: string) => (c === 'preferred' ? t('campaigns.channel.preferred') : c);
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="campaigns-new">
      <h2 id="campaigns-new">{t('campaigns.new')}</h2>
      <Field label={t('campaigns.playbook')}>
        {(p) => (
          <select
            {...p}
            name="playbook"
            value={key}
            onChange={(e) => {
              setKey(e.target.value as typeof key);
              setChannel('');
            }}
          >
            {playbooks.map((x) => (
              <option key={x.key} value={x.key}>
                {x.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('campaigns.channel')}>
        {(p) => (
          <select
            {...p}
            name="channel"
            value={channel || pb?.defaultChannel}
            onChange={(e) => setChannel(e.target.value)}
          >
            {pb?.channels.map((c) => (
              <option key={c} value={c}>
                {channelName(c)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('campaigns.control')} hint={t('campaigns.controlHint')}>
        {(p) => (
          <input
            {...p}
            name="controlPct"
            type="number"
            min={0}
            max={50}
            value={control}
            onChange={(e) => setControl(e.target.value)}
          />
        )}
      </Field>
      <ErrorNote error={error} />
      <button type="submit" className="primary">
        {t('campaigns.create')}
      </button>
    </form>
  );
}

function CampaignCard({
  campaign: c,
  playbook,
  onChange,
}: {
  campaign: CampaignView;
  playbook: PlaybookView | undefined;
  onChange: () => void;
}) {
  const { t, formatNumber } = useI18n();
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [results, setResults] = useState<CampaignResults | null>(null);
  const act = async (fn: () => Promise<void>) => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    }
  };
  const preview = () =>
    act(async () => {
      const p = await previewCampaign(c.id);
      setNote(
        p.count === null
          ? t('campaigns.audienceFew')
          : t('campaigns.audience', {
              count: formatNumber(p.count),
              treatment: formatNumber(p.treatment ?? 0),
              control: formatNumber(p.control ?? 0),
            }),
      );
    });
  const launch = () =>
    act(async () => {
      const r = await launchCampaign(c.id);
      setNote(
        r.created
          ? t('campaigns.launched', {
              treatment: formatNumber(r.treatment),
              control: formatNumber(r.control),
            })
          : t('campaigns.already'),
      );
      onChange();
    });
  const showResults = () => act(async () => setResults(await campaignResults(c.id)));
  return (
    <article className="card" data-campaign={c.id} aria-label={c.name}>
      <h3>
        {playbook?.name ?? c.name}
        {playbook?.healthBased ? <span className="muted small"> · {t('campaigns.health')}</span> : null}
      </h3>
      <p className="small">
        {t('campaigns.status')}: {t(`campaigns.status.${c.status}`)} ·{' '}
        {c.channel === 'preferred' ? t('campaigns.channel.preferred') : c.channel} · {c.controlPct}%
      </p>
      <div className="row">
        <button type="button" onClick={preview}>
          {t('campaigns.preview')}
        </button>
        <button type="button" className="primary" onClick={launch}>
          {t('campaigns.launch')}
        </button>
        <button type="button" onClick={showResults}>
          {t('campaigns.results')}
        </button>
      </div>
      {note ? (
        <p role="status" className="note">
          {note}
        </p>
      ) : null}
      <ErrorNote error={error} />
      {results ? <Results r={results} /> : null}
    </article>
  );
}

function Results({ r }: { r: CampaignResults }) {
  const { t, lang, formatNumber } = useI18n();
  const pct = (x: number) => Math.round(x * 1000) / 10;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the option follows the results and the language only
  const option = useMemo<ChartOption>(
    () => ({
      color: ['#0b5cad', '#9ca3af'],
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: [t('campaigns.treatment'), t('campaigns.controlArm')] },
      yAxis: { type: 'value', axisLabel: { formatter: '{value} %' } },
      series: [{ type: 'bar', data: [pct(r.treatment.rate), pct(r.control.rate)] }],
    }),
    [r, lang],
  );
  return (
    <section aria-label={t('campaigns.chart')} data-results="">
      <h4>{t('campaigns.chart')}</h4>
      <Chart option={option} label={t('campaigns.chartLabel')} />
      <p>
        {t('campaigns.treatment')}: {formatNumber(r.treatment.converted)} /{' '}
        {formatNumber(r.treatment.members)} · {t('campaigns.controlArm')}: {formatNumber(r.control.converted)}{' '}
        / {formatNumber(r.control.members)}
      </p>
      <p>{t('campaigns.uplift', { uplift: String(pct(r.uplift)) })}</p>
      <p>
        {r.significant && r.pValue !== null
          ? t('campaigns.significant', { p: r.pValue.toFixed(3) })
          : t('campaigns.notSignificant')}
      </p>
      <p>
        {t('campaigns.funnel', {
          eligible: formatNumber(r.funnel.eligible),
          messaged: formatNumber(r.funnel.messaged),
          booked: formatNumber(r.funnel.booked),
          visited: formatNumber(r.funnel.visited),
        })}
      </p>
    </section>
  );
}
