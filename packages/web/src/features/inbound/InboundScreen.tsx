import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { InboundDetailView, InboundItemView } from '../../api/types.ts';
import { Link } from '../../app/router.tsx';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { listInbound, readInbound, resolveInbound } from './api.ts';

/**
 * The inbound review queue (R8): what patients wrote back besides STOP, due by the end of the next
 * working day. The list shows no text and no sender; a chosen message opens below it, its text is
 * decrypted on request (audited), and a person decides: a withdrawal or no action with a note.
 */
export function InboundScreen() {
  const { t, formatDate, formatDateTime, formatNumber } = useI18n();
  const list = useApi((signal) => listInbound(signal), []);
  const [selected, setSelected] = useState<InboundItemView | null>(null);

  return (
    <Page title={t('inbound.title')}>
      <p className="muted">{t('inbound.intro')}</p>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorNote error={list.error} onRetry={list.reload} />
      {list.data ? (
        <p role="status">
          {list.data.length ? t('inbound.total', { n: formatNumber(list.data.length) }) : t('inbound.empty')}
        </p>
      ) : null}
      {list.data?.length ? (
        <div className="table-wrap">
          <table data-testid="inbound">
            <thead>
              <tr>
                <th scope="col">{t('inbound.received')}</th>
                <th scope="col">{t('inbound.channel')}</th>
                <th scope="col">{t('inbound.due')}</th>
                <th scope="col">{t('inbound.kind')}</th>
                <th scope="col">{t('inbound.senders')}</th>
                <th scope="col">
                  <span className="sr-only">{t('inbound.open')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((i) => (
                <tr
                  key={i.id}
                  data-item={i.id}
                  data-overdue={i.overdue}
                  aria-current={i.id === selected?.id ? 'true' : undefined}
                >
                  <td>{formatDateTime(i.receivedAt)}</td>
                  <td>{t(`inbound.channel.${i.channel}`)}</td>
                  <td className={i.overdue ? 'status-overdue' : ''} data-field="due">
                    {formatDate(i.dueAt)} · {i.overdue ? t('inbound.overdue') : t('inbound.onTime')}
                  </td>
                  <td data-field="kind">
                    {i.looksLikeWithdrawal ? (
                      <span className="badge" data-flag="withdrawal">
                        {t('inbound.looksLikeWithdrawal')}
                      </span>
                    ) : (
                      t('inbound.other')
                    )}
                  </td>
                  <td>{senders(t, i.patients)}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={t('inbound.openItem', { at: formatDateTime(i.receivedAt) })}
                      onClick={() => setSelected(i)}
                    >
                      {t('inbound.open')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {selected ? (
        <InboundReview
          key={selected.id}
          item={selected}
          onResolved={list.reload}
          onClose={() => setSelected(null)}
        />
      ) : null}
    </Page>
  );
}

const senders = (t: ReturnType<typeof useI18n>['t'], n: number) =>
  n === 0
    ? t('inbound.unknownSender')
    : n === 1
      ? t('inbound.knownSender')
      : t('inbound.knownSenders', { n });

function InboundReview({
  item,
  onResolved,
  onClose,
}: {
  item: InboundItemView;
  onResolved: () => void;
  onClose: () => void;
}) {
  const { t, formatDate, formatDateTime } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const [detail, setDetail] = useState<InboundDetailView | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [noting, setNoting] = useState(false);
  const [note, setNote] = useState('');
  const channel = t(`inbound.channel.${item.channel}`);
  useEffect(() => heading.current?.focus(), []);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const reveal = () => run(async () => setDetail(await readInbound(item.id)));
  const withdraw = () =>
    run(async () => {
      await resolveInbound(item.id, { resolution: 'withdrawal' });
      setOutcome(t('inbound.withdrawn', { channel }));
      onResolved();
    });
  const close = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await resolveInbound(item.id, { resolution: 'no_action', note: note.trim() });
      setOutcome(t('inbound.closed'));
      onResolved();
    });
  };

  return (
    <section className="panel" aria-labelledby="inbound-one" data-review={item.id}>
      <div className="page-head">
        <h2 id="inbound-one" ref={heading} tabIndex={-1}>
          {t('inbound.message', { at: formatDateTime(item.receivedAt) })}
        </h2>
        <button type="button" onClick={onClose}>
          {t('inbound.close')}
        </button>
      </div>
      <p className={item.overdue ? 'status-overdue' : 'muted'}>
        {t('inbound.due')}: {formatDate(item.dueAt)} ·{' '}
        {item.overdue ? t('inbound.overdue') : t('inbound.onTime')}
      </p>
      <ErrorNote error={error} />
      {detail ? (
        <>
          <dl className="props">
            <dt>{t('inbound.channel')}</dt>
            <dd>{channel}</dd>
            <dt>{t('inbound.from')}</dt>
            <dd data-field="from">{detail.from}</dd>
            <dt>{t('inbound.text')}</dt>
            <dd>
              <blockquote className="script" data-field="text">
                {detail.text}
              </blockquote>
            </dd>
            <dt>{t('inbound.patients')}</dt>
            <dd>
              {detail.matched.length ? (
                <ul>
                  {detail.matched.map((p) => (
                    <li key={p.id}>
                      <Link href={`/patients/${p.id}`} aria-label={t('inbound.card', { name: p.name })}>
                        {p.name}
                      </Link>
                    </li>
                  ))}
                </ul>
              ) : (
                t('inbound.noPatients')
              )}
            </dd>
          </dl>
          {outcome ? (
            <p className="note note-ok" role="status">
              {outcome}
            </p>
          ) : (
            <fieldset disabled={busy}>
              <legend>{t('inbound.decide')}</legend>
              <div className="row">
                <button
                  type="button"
                  className="primary"
                  disabled={detail.matched.length === 0}
                  aria-describedby="inbound-withdraw-hint"
                  onClick={() => void withdraw()}
                >
                  {t('inbound.withdraw', { channel })}
                </button>
                <button type="button" aria-expanded={noting} onClick={() => setNoting((x) => !x)}>
                  {t('inbound.noAction')}
                </button>
              </div>
              <p id="inbound-withdraw-hint" className="hint">
                {t('inbound.withdrawHint')}
              </p>
              {noting ? (
                <form onSubmit={close} aria-label={t('inbound.noAction')}>
                  <Field label={t('inbound.note')} hint={t('inbound.noteHint')}>
                    {(p) => (
                      <textarea
                        {...p}
                        name="note"
                        required
                        maxLength={1000}
                        value={note}
                        onChange={(e) => setNote(e.target.value)}
                      />
                    )}
                  </Field>
                  <button type="submit" disabled={note.trim().length === 0}>
                    {t('inbound.noAction')}
                  </button>
                </form>
              ) : null}
            </fieldset>
          )}
        </>
      ) : (
        <>
          <p className="muted small">{t('inbound.revealHint')}</p>
          <button type="button" disabled={busy} onClick={() => void reveal()}>
            {t('inbound.reveal')}
          </button>
        </>
      )}
    </section>
  );
}
