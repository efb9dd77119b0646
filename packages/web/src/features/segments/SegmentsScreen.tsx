import type { Channel, Purpose, Sex } from '@careloop/contracts/vocab';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import type { SegmentCountView, SegmentPurpose, SegmentView, SpecialtyOptionView } from '../../api/types.ts';
import { useStaff } from '../../app/session.tsx';
import { Count, ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { countSegment, createSegment, listSegments, listSpecialties } from './api.ts';
import {
  blank,
  CHANNEL_OPTIONS,
  DRAFT_KINDS,
  type Draft,
  type DraftKind,
  SEGMENT_PURPOSES,
  toRule,
} from './rules.ts';

const BUILDERS = new Set(['owner', 'marketer']);
/** Wait for the user to stop typing before asking for a count. */
const DEBOUNCE_MS = 400;

/** Saved segments and a builder with a live, privacy-safe count (R32) and its purpose (R6). */
export function SegmentsScreen() {
  const { t } = useI18n();
  const staff = useStaff();
  const segments = useApi((signal) => listSegments(signal), []);
  const specialties = useApi((signal) => listSpecialties(signal), []);
  return (
    <Page title={t('segments.title')}>
      <ErrorNote error={specialties.error} onRetry={specialties.reload} />
      <Builder
        canSave={BUILDERS.has(staff.role)}
        specialties={specialties.data ?? []}
        onSaved={segments.reload}
      />
      <section className="panel" aria-labelledby="segments-list">
        <h2 id="segments-list">{t('segments.list')}</h2>
        <ErrorNote error={segments.error} onRetry={segments.reload} />
        {segments.loading && !segments.data ? <Loading /> : null}
        {segments.data?.length === 0 ? <p>{t('segments.none')}</p> : null}
        {segments.data && segments.data.length > 0 ? <SegmentList segments={segments.data} /> : null}
      </section>
    </Page>
  );
}

function SegmentList({ segments }: { segments: SegmentView[] }) {
  const { t, formatDate } = useI18n();
  return (
    <ul className="segments" data-segments>
      {segments.map((s) => (
        <li key={s.id} data-segment={s.id}>
          <strong>{s.name}</strong>{' '}
          <span className="small">
            · {t(`segments.purpose.${s.purpose}` as const)}
            {s.healthBased ? ` · ${t('segments.healthBased')}` : ''}
            {s.channel ? ` · ${t(`segments.channel.${s.channel}` as const)}` : ''} · {formatDate(s.createdAt)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function Builder({
  canSave,
  specialties,
  onSaved,
}: {
  canSave: boolean;
  specialties: readonly SpecialtyOptionView[];
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [join, setJoin] = useState<'and' | 'or'>('and');
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [adding, setAdding] = useState<DraftKind>('sex');
  const [purpose, setPurpose] = useState<SegmentPurpose>('marketing.general');
  const [channel, setChannel] = useState<Channel | ''>('');
  const [name, setName] = useState('');
  const [count, setCount] = useState<SegmentCountView | null>(null);
  const [countError, setCountError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const definition = useMemo(
    () => ({ rule: toRule(join, drafts), purpose, ...(channel ? { channel } : {}) }),
    [join, drafts, purpose, channel],
  );

  useEffect(() => {
    const ac = new AbortController();
    const timer = setTimeout(() => {
      countSegment(definition, ac.signal).then(
        (c) => {
          setCount(c);
          setCountError(null);
        },
        (e: unknown) => {
          if (!ac.signal.aborted) setCountError(e);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [definition]);

  const change = (i: number, d: Draft) => setDrafts(drafts.map((x, j) => (j === i ? d : x)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaveError(null);
    setSaved(null);
    try {
      const s = await createSegment({ name: name.trim(), ...definition });
      setSaved(s.name);
      onSaved();
    } catch (err) {
      setSaveError(err);
    }
  };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="segments-builder">
      <h2 id="segments-builder">{t('segments.builder')}</h2>
      <Field label={t('segments.join')}>
        {(p) => (
          <select {...p} name="join" value={join} onChange={(e) => setJoin(e.target.value as 'and' | 'or')}>
            <option value="and">{t('segments.join.and')}</option>
            <option value="or">{t('segments.join.or')}</option>
          </select>
        )}
      </Field>
      {drafts.length === 0 ? <p className="muted">{t('segments.everyone')}</p> : null}
      {drafts.map((d, i) => (
        <ConditionRow
          // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity beyond their place
          key={i}
          n={i + 1}
          draft={d}
          specialties={specialties}
          onChange={(x) => change(i, x)}
          onRemove={() => setDrafts(drafts.filter((_, j) => j !== i))}
        />
      ))}
      <div className="row">
        <Field label={t('segments.condition')}>
          {(p) => (
            <select
              {...p}
              name="condition"
              value={adding}
              onChange={(e) => setAdding(e.target.value as DraftKind)}
            >
              {DRAFT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`segments.op.${k}` as const)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" onClick={() => setDrafts([...drafts, blank(adding, specialties[0]?.id)])}>
          {t('segments.add')}
        </button>
      </div>
      <div className="row">
        <Field label={t('segments.purpose')}>
          {(p) => (
            <select
              {...p}
              name="purpose"
              value={purpose}
              onChange={(e) => setPurpose(e.target.value as SegmentPurpose)}
            >
              {SEGMENT_PURPOSES.map((x) => (
                <option key={x} value={x}>
                  {t(`segments.purpose.${x}` as const)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('segments.channel')}>
          {(p) => (
            <select
              {...p}
              name="channel"
              value={channel}
              onChange={(e) => setChannel(e.target.value as Channel | '')}
            >
              <option value="">{t('segments.channel.any')}</option>
              {CHANNEL_OPTIONS.map((c) => (
                <option key={c} value={c}>
                  {t(`segments.channel.${c}` as const)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <LiveCount count={count} />
      <ErrorNote error={countError} />
      {canSave ? (
        <>
          <Field label={t('segments.name')}>
            {(p) => (
              <input
                {...p}
                name="name"
                required
                maxLength={200}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            )}
          </Field>
          <ErrorNote error={saveError} />
          <button type="submit" className="primary">
            {t('segments.save')}
          </button>
          {saved ? (
            <p role="status" className="note">
              {t('segments.saved', { name: saved })}
            </p>
          ) : null}
        </>
      ) : null}
    </form>
  );
}

/** The count as the server allows it: suppressed counts read "fewer than 11" (R32). */
function LiveCount({ count }: { count: SegmentCountView | null }) {
  const { t } = useI18n();
  return (
    <div className="note" aria-live="polite" data-count>
      {count ? (
        <>
          <p>
            {t('segments.count')}:{' '}
            <strong>
              <Count value={count.count} />
            </strong>
          </p>
          <p className="small">
            {t('segments.runsUnder', { purpose: t(`segments.purpose.${count.purpose as Purpose}` as const) })}
            {count.healthBased ? ` · ${t('segments.healthBasedNote')}` : ''}
          </p>
        </>
      ) : (
        <p>{t('segments.counting')}</p>
      )}
    </div>
  );
}

function ConditionRow({
  n,
  draft: d,
  specialties,
  onChange,
  onRemove,
}: {
  n: number;
  draft: Draft;
  specialties: readonly SpecialtyOptionView[];
  onChange: (d: Draft) => void;
  onRemove: () => void;
}) {
  const { t, lang } = useI18n();
  const title = `${t('segments.conditionN', { n: String(n) })}: ${t(`segments.op.${d.kind}` as const)}`;
  const num = (label: string, value: string, set: (v: string) => void) => (
    <Field label={label}>
      {(p) => (
        <input {...p} type="number" min={0} max={1200} value={value} onChange={(e) => set(e.target.value)} />
      )}
    </Field>
  );
  return (
    <fieldset className="row" data-condition={d.kind}>
      <legend>{title}</legend>
      {d.kind === 'sex' ? (
        <Field label={t('segments.sex')}>
          {(p) => (
            <select {...p} value={d.is} onChange={(e) => onChange({ ...d, is: e.target.value as Sex })}>
              <option value="female">{t('segments.sex.female')}</option>
              <option value="male">{t('segments.sex.male')}</option>
            </select>
          )}
        </Field>
      ) : null}
      {d.kind === 'age' ? (
        <>
          {num(t('segments.age.min'), d.min, (v) => onChange({ ...d, min: v }))}
          {num(t('segments.age.max'), d.max, (v) => onChange({ ...d, max: v }))}
        </>
      ) : null}
      {d.kind === 'last_visit' ? (
        <>
          {num(t('segments.visit.from'), d.fromMonths, (v) => onChange({ ...d, fromMonths: v }))}
          {num(t('segments.visit.to'), d.toMonths, (v) => onChange({ ...d, toMonths: v }))}
        </>
      ) : null}
      {d.kind === 'visited_specialty' ? (
        <>
          <Field label={t('segments.specialty')}>
            {(p) => (
              <select
                {...p}
                value={d.specialtyId}
                onChange={(e) => onChange({ ...d, specialtyId: e.target.value })}
              >
                {specialties.map((x) => (
                  <option key={x.id} value={x.id}>
                    {lang === 'en' ? x.nameEn : x.nameRu}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {num(t('segments.specialty.within'), d.withinMonths, (v) => onChange({ ...d, withinMonths: v }))}
        </>
      ) : null}
      {d.kind === 'preferred_channel' ? (
        <Field label={t('segments.channel')}>
          {(p) => (
            <select
              {...p}
              value={d.channel}
              onChange={(e) => onChange({ ...d, channel: e.target.value as Channel })}
            >
              {CHANNEL_OPTIONS.map((c) => (
                <option key={c} value={c}>
                  {t(`segments.channel.${c}` as const)}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {d.kind === 'consent_for' ? (
        <>
          <Field label={t('segments.consent.purpose')}>
            {(p) => (
              <select
                {...p}
                value={d.purpose}
                onChange={(e) => onChange({ ...d, purpose: e.target.value as Purpose })}
              >
                {SEGMENT_PURPOSES.map((x) => (
                  <option key={x} value={x}>
                    {t(`segments.purpose.${x}` as const)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('segments.channel')}>
            {(p) => (
              <select
                {...p}
                value={d.channel}
                onChange={(e) => onChange({ ...d, channel: e.target.value as Channel | '' })}
              >
                <option value="">{t('segments.channel.any')}</option>
                {CHANNEL_OPTIONS.map((c) => (
                  <option key={c} value={c}>
                    {t(`segments.channel.${c}` as const)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </>
      ) : null}
      <button type="button" onClick={onRemove} aria-label={`${t('segments.remove')}: ${title}`}>
        {t('segments.remove')}
      </button>
    </fieldset>
  );
}
