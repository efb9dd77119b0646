import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { ReviewItemView, ReviewSideView } from '../../api/types.ts';
import { Link } from '../../app/router.tsx';
import { useStaff } from '../../app/session.tsx';
import { ErrorNote, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { MERGE_ROLES } from './access.ts';
import { mergePair, PAGE_SIZE, PAIR_REVEALABLE, rejectPair, reviewQueue } from './api.ts';
import { levelLabel, percent, weightTone } from './evidence.ts';

const fullName = (s: ReviewSideView) => [s.lastName, s.firstName, s.middleName].filter(Boolean).join(' ');

/** The review queue; a chosen pair opens below it, side by side, with its per-field evidence. */
export function QueueScreen() {
  const { t, formatNumber, formatDateTime, maybe } = useI18n();
  // The cursors of the pages opened so far: the last is this page's (null: the first page).
  const [cursors, setCursors] = useState<readonly (string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const offset = (cursors.length - 1) * PAGE_SIZE;
  const [reveal, setReveal] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ReactNode>(null);
  const queue = useApi(
    (signal) => reviewQueue({ cursor, reveal: reveal ? PAIR_REVEALABLE : [] }, signal),
    [cursor, reveal],
  );
  const item = queue.data?.items.find((i) => i.id === selected);
  const total = queue.data?.total ?? 0;

  const finish = (note: ReactNode) => {
    setSelected(null);
    setOutcome(note);
    queue.reload();
  };

  return (
    <Page
      title={t('duplicates.title')}
      actions={
        <>
          <button type="button" aria-pressed={reveal} onClick={() => setReveal((r) => !r)}>
            {reveal ? t('duplicates.hide') : t('duplicates.revealAll')}
          </button>
          <Link href="/duplicates/merges">{t('duplicates.merges')}</Link>
        </>
      }
    >
      <p className="muted small">{t('duplicates.revealHint')}</p>
      {outcome}
      {queue.data?.revealed.length ? (
        <p className="note note-warn" role="status">
          {t('duplicates.revealedNote', {
            fields: queue.data.revealed.map((f) => maybe(`field.${f}`, f)).join(', '),
          })}
        </p>
      ) : null}
      {queue.loading && !queue.data ? <Loading /> : null}
      <ErrorNote error={queue.error} onRetry={queue.reload} />
      {queue.data ? (
        <section aria-labelledby="dup-queue">
          <h2 id="dup-queue">{t('duplicates.queue')}</h2>
          <p role="status">
            {total ? t('duplicates.total', { n: formatNumber(total) }) : t('duplicates.empty')}
          </p>
          {queue.data.items.length ? (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('duplicates.pair')}</th>
                    <th scope="col" className="num">
                      {t('duplicates.probability')}
                    </th>
                    <th scope="col">{t('duplicates.reason')}</th>
                    <th scope="col">{t('duplicates.found')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('duplicates.review')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {queue.data.items.map((i) => (
                    <tr key={i.id} aria-current={i.id === selected ? 'true' : undefined}>
                      <td>
                        {fullName(i.a)}
                        <br />
                        {fullName(i.b)}
                      </td>
                      <td className="num">{percent(i.probability)}</td>
                      <td>{maybe(`duplicates.reason.${i.reason}`, i.reason)}</td>
                      <td>{formatDateTime(i.createdAt)}</td>
                      <td>
                        <button
                          type="button"
                          aria-label={t('duplicates.reviewPair', { a: fullName(i.a), b: fullName(i.b) })}
                          onClick={() => {
                            setOutcome(null);
                            setSelected(i.id);
                          }}
                        >
                          {t('duplicates.review')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {total > PAGE_SIZE || cursors.length > 1 ? (
            <nav className="row pager" aria-label={t('duplicates.queue')}>
              <button
                type="button"
                disabled={cursors.length === 1}
                onClick={() => setCursors((c) => c.slice(0, -1))}
              >
                {t('duplicates.prev')}
              </button>
              <span>
                {t('duplicates.pageOf', {
                  from: formatNumber(Math.min(offset + 1, total)),
                  to: formatNumber(Math.min(offset + queue.data.items.length, total)),
                  total: formatNumber(total),
                })}
              </span>
              <button
                type="button"
                disabled={!queue.data.next}
                onClick={() => {
                  const next = queue.data?.next;
                  if (next) setCursors((c) => [...c, next]);
                }}
              >
                {t('duplicates.next')}
              </button>
            </nav>
          ) : null}
        </section>
      ) : null}
      {item ? (
        <PairReview key={item.id} item={item} onDone={finish} onClose={() => setSelected(null)} />
      ) : null}
    </Page>
  );
}

const SIDE_FIELDS = [
  'lastName',
  'firstName',
  'middleName',
  'birthDate',
  'sex',
  'city',
  'phone',
  'email',
  'snils',
  'omsPolicy',
] as const;

function PairReview({
  item,
  onDone,
  onClose,
}: {
  item: ReviewItemView;
  onDone: (note: ReactNode) => void;
  onClose: () => void;
}) {
  const { t, maybe, formatDate, formatDateTime, formatNumber } = useI18n();
  const staff = useStaff();
  const canMerge = MERGE_ROLES.has(staff.role);
  const heading = useRef<HTMLHeadingElement>(null);
  // The record created first keeps its id by default: it usually carries the card history.
  const [survivor, setSurvivor] = useState<string>(() =>
    Date.parse(item.b.createdAt) < Date.parse(item.a.createdAt) ? item.b.id : item.a.id,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The pair opens below the queue: move focus to it so keyboard and screen-reader users land there.
  useEffect(() => heading.current?.focus(), []);

  const value = (s: ReviewSideView, f: (typeof SIDE_FIELDS)[number]): string => {
    const v = s[f];
    if (v === undefined || v === null || v === '') return '—';
    if (f === 'birthDate') return formatDate(v);
    return f === 'sex' ? maybe(`value.${v}`, v) : v;
  };

  const act = async (fn: () => Promise<ReactNode>) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await fn());
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const merge = () =>
    act(async () => {
      const r = await mergePair(item.id, survivor);
      return (
        <div className="note note-ok" role="status" tabIndex={-1} ref={(el) => el?.focus()}>
          <p>{t('duplicates.merged', { visits: formatNumber(r.moved.visits) })}</p>
          {r.consentWithdrawn.length ? (
            <p>
              {t('duplicates.consentWithdrawn', {
                kinds: r.consentWithdrawn.map((k) => maybe(`kind.${k}`, k)).join(', '),
              })}
            </p>
          ) : null}
          <p>
            <Link href="/duplicates/merges">{t('duplicates.merges')}</Link>
          </p>
        </div>
      );
    });

  const reject = () =>
    act(async () => {
      await rejectPair(item.id);
      return (
        <p className="note note-ok" role="status" tabIndex={-1} ref={(el) => el?.focus()}>
          {t('duplicates.rejected')}
        </p>
      );
    });

  return (
    <section className="panel pair" aria-labelledby="dup-pair">
      <div className="page-head">
        <h2 id="dup-pair" ref={heading} tabIndex={-1}>
          {t('duplicates.side')} · {percent(item.probability)}
        </h2>
        <button type="button" onClick={onClose}>
          {t('app.close')}
        </button>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('duplicates.field')}</th>
              <th scope="col">{t('duplicates.recordA')}</th>
              <th scope="col">{t('duplicates.recordB')}</th>
            </tr>
          </thead>
          <tbody>
            {SIDE_FIELDS.filter((f) => item.a[f] != null || item.b[f] != null).map((f) => {
              const a = value(item.a, f);
              const b = value(item.b, f);
              return (
                <tr key={f} className={a !== b ? 'differs' : undefined}>
                  <th scope="row">{maybe(`field.${f}`, f)}</th>
                  <td data-side="a" data-field={f}>
                    {a}
                  </td>
                  <td data-side="b" data-field={f}>
                    {b}
                  </td>
                </tr>
              );
            })}
            <tr>
              <th scope="row">{t('duplicates.visits')}</th>
              <td>{formatNumber(item.a.visits)}</td>
              <td>{formatNumber(item.b.visits)}</td>
            </tr>
            <tr>
              <th scope="row">{t('duplicates.createdAt')}</th>
              <td>{formatDateTime(item.a.createdAt)}</td>
              <td>{formatDateTime(item.b.createdAt)}</td>
            </tr>
          </tbody>
        </table>
      </div>

      <h3 id="dup-evidence">{t('duplicates.evidence')}</h3>
      <p className="hint" id="dup-weight-hint">
        {t('duplicates.weightHint')}
      </p>
      <div className="table-wrap">
        <table aria-labelledby="dup-evidence" aria-describedby="dup-weight-hint" className="evidence">
          <thead>
            <tr>
              <th scope="col">{t('duplicates.field')}</th>
              <th scope="col">{t('duplicates.level')}</th>
              <th scope="col" className="num">
                {t('duplicates.weight')}
              </th>
            </tr>
          </thead>
          <tbody>
            {item.evidence.map((e) => (
              <tr key={e.field} data-evidence={e.field}>
                <th scope="row">{maybe(`evidence.${e.field}`, e.field)}</th>
                <td>{levelLabel(e.level, { t, maybe })}</td>
                <td className={`num weight-${weightTone(e.weight)}`}>
                  {e.weight > 0 ? '+' : ''}
                  {e.weight.toFixed(2)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                {t('duplicates.probability')}: {percent(item.probability)}
              </th>
              <td className={`num weight-${weightTone(item.weight)}`}>
                {item.weight > 0 ? '+' : ''}
                {item.weight.toFixed(2)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>

      {canMerge ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void merge();
          }}
        >
          <fieldset>
            <legend>{t('duplicates.survivor')}</legend>
            <p className="hint">{t('duplicates.survivorHint')}</p>
            <label className="choice">
              <input
                type="radio"
                name="survivor"
                value="a"
                checked={survivor === item.a.id}
                onChange={() => setSurvivor(item.a.id)}
              />{' '}
              {t('duplicates.keepA', {
                created: formatDateTime(item.a.createdAt),
                visits: formatNumber(item.a.visits),
              })}
            </label>
            <label className="choice">
              <input
                type="radio"
                name="survivor"
                value="b"
                checked={survivor === item.b.id}
                onChange={() => setSurvivor(item.b.id)}
              />{' '}
              {t('duplicates.keepB', {
                created: formatDateTime(item.b.createdAt),
                visits: formatNumber(item.b.visits),
              })}
            </label>
          </fieldset>
          <ErrorNote error={error} />
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              {t('duplicates.merge')}
            </button>
            <button type="button" disabled={busy} onClick={() => void reject()}>
              {t('duplicates.reject')}
            </button>
          </div>
        </form>
      ) : (
        <p className="muted">{t('duplicates.readOnly')}</p>
      )}
    </section>
  );
}
