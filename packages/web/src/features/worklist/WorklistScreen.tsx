import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import type { CallTaskView, FreeSlotView } from '../../api/types.ts';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import {
  CALL_OUTCOMES,
  type CallOutcomeName,
  claimTask,
  listTasks,
  recordOutcome,
  revealPhone,
} from './api.ts';
import { SlotPicker } from './SlotPicker.tsx';

/**
 * The call-centre worklist: tasks I hold (script, number, outcome form) above the open queue.
 * Full numbers are fetched on request into component memory only, never into a URL or storage (R38).
 */
export function WorklistScreen() {
  const { t, formatNumber } = useI18n();
  const [note, setNote] = useState<ReactNode>(null);
  const [claimed, setClaimed] = useState<string | null>(null);
  const mine = useApi((signal) => listTasks(true, signal), []);
  const open = useApi((signal) => listTasks(false, signal), []);
  const reload = () => {
    mine.reload();
    open.reload();
  };
  const done = (n: ReactNode) => {
    setNote(n);
    reload();
  };

  return (
    <Page title={t('worklist.title')}>
      {note}
      <section aria-labelledby="wl-mine">
        <h2 id="wl-mine">{t('worklist.mine')}</h2>
        {mine.loading && !mine.data ? <Loading /> : null}
        <ErrorNote error={mine.error} onRetry={mine.reload} />
        {mine.data && mine.data.length === 0 ? <p className="muted">{t('worklist.mineEmpty')}</p> : null}
        {mine.data
          ?.filter((task) => task.status === 'claimed')
          .map((task) => (
            <TaskCard key={task.id} task={task} focus={task.id === claimed} onDone={done} />
          ))}
        <CallBacks
          tasks={mine.data?.filter((task) => task.status === 'open') ?? []}
          onClaimed={(id, n) => {
            setClaimed(id);
            done(n);
          }}
        />
      </section>
      <section aria-labelledby="wl-open">
        <h2 id="wl-open">{t('worklist.open')}</h2>
        {open.loading && !open.data ? <Loading /> : null}
        <ErrorNote error={open.error} onRetry={open.reload} />
        {open.data ? (
          <p role="status">
            {open.data.length
              ? t('worklist.openCount', { n: formatNumber(open.data.length) })
              : t('worklist.openEmpty')}
          </p>
        ) : null}
        {open.data?.length ? (
          <OpenTable
            tasks={open.data}
            onClaimed={(id, n) => {
              setClaimed(id);
              done(n);
            }}
          />
        ) : null}
      </section>
    </Page>
  );
}

/** Call-backs agreed earlier: back with the same operator, to be taken again when the time comes. */
function CallBacks({
  tasks,
  onClaimed,
}: {
  tasks: readonly CallTaskView[];
  onClaimed: (id: string, n: ReactNode) => void;
}) {
  const { t, formatDateTime } = useI18n();
  const [error, setError] = useState<unknown>(null);
  if (tasks.length === 0) return null;
  const claim = async (task: CallTaskView) => {
    setError(null);
    try {
      await claimTask(task.id);
      onClaimed(
        task.id,
        <p className="note note-ok" role="status">
          {t('worklist.claimed')}
        </p>,
      );
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <h3>{t('worklist.callBacks')}</h3>
      <ErrorNote error={error} />
      <ul className="callbacks">
        {tasks.map((task) => (
          <li key={task.id} data-callback={task.id}>
            {t('worklist.callBackOf', { name: task.patientName || '—', at: formatDateTime(task.dueAt) })}{' '}
            <button
              type="button"
              aria-label={t('worklist.claimTask', { name: task.patientName || task.id.slice(-6) })}
              onClick={() => void claim(task)}
            >
              {t('worklist.claim')}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function OpenTable({
  tasks,
  onClaimed,
}: {
  tasks: readonly CallTaskView[];
  onClaimed: (id: string, n: ReactNode) => void;
}) {
  const { t, maybe, formatDateTime, formatNumber } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const claim = async (task: CallTaskView) => {
    setBusy(task.id);
    setError(null);
    try {
      await claimTask(task.id);
      // The claimed task opens under "My calls" and its heading takes focus (see TaskCard).
      onClaimed(
        task.id,
        <p className="note note-ok" role="status">
          {t('worklist.claimed')}
        </p>,
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <ErrorNote error={error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('worklist.due')}</th>
              <th scope="col">{t('worklist.patient')}</th>
              <th scope="col">{t('worklist.phone')}</th>
              <th scope="col">{t('worklist.purpose')}</th>
              <th scope="col" className="num">
                {t('worklist.attempts')}
              </th>
              <th scope="col">{t('worklist.script')}</th>
              <th scope="col">
                <span className="sr-only">{t('worklist.claim')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((task) => (
              <tr key={task.id} data-task={task.id}>
                <td>{formatDateTime(task.dueAt)}</td>
                <td>{task.patientName || '—'}</td>
                <td data-field="phone">{task.phoneMasked ?? '—'}</td>
                <td>{maybe(`purpose.${task.purpose}`, task.purpose)}</td>
                <td className="num">{formatNumber(task.attempts)}</td>
                <td>
                  <details>
                    <summary>{t('worklist.script')}</summary>
                    <p className="script">{task.script}</p>
                  </details>
                </td>
                <td>
                  <button
                    type="button"
                    className="primary"
                    disabled={busy !== null}
                    aria-label={t('worklist.claimTask', { name: task.patientName || task.id.slice(-6) })}
                    onClick={() => void claim(task)}
                  >
                    {t('worklist.claim')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The datetime-local value for a moment, in the browser's zone (the input has no zone). */
const localInput = (d: Date) => {
  const z = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return z.toISOString().slice(0, 16);
};

function TaskCard({
  task,
  focus,
  onDone,
}: {
  task: CallTaskView;
  focus: boolean;
  onDone: (n: ReactNode) => void;
}) {
  const { t, lang, maybe, formatDateTime, formatDateTimeIn } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const hintId = useId();
  const [phone, setPhone] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<CallOutcomeName | null>(null);
  const [slot, setSlot] = useState<FreeSlotView | null>(null);
  const [slotsReload, setSlotsReload] = useState(0);
  const [callBackAt, setCallBackAt] = useState(() => localInput(new Date(Date.now() + 2 * 3_600_000)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // A freshly claimed task is where the operator works next.
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, [focus]);

  const reveal = async () => {
    setError(null);
    try {
      setPhone((await revealPhone(task.id)).phone);
    } catch (e) {
      setError(e);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!outcome || (outcome === 'booked' && !slot)) return;
    setBusy(true);
    setError(null);
    try {
      const r = await recordOutcome(task.id, {
        outcome,
        ...(outcome === 'call_later' ? { callBackAt: new Date(callBackAt).toISOString() } : {}),
        ...(outcome === 'booked' && slot ? { slotId: slot.id } : {}),
      });
      const label = t(`outcome.${outcome}`);
      onDone(
        <p className="note note-ok" role="status" tabIndex={-1} ref={(el) => el?.focus()}>
          {t('worklist.recorded', { outcome: label })}
          {outcome === 'call_later' ? ` ${t('worklist.rescheduled', { at: formatDateTime(r.dueAt) })}` : null}
          {outcome === 'booked' && slot
            ? ` ${t('worklist.bookedAt', {
                when: formatDateTimeIn(slot.startsAt, slot.timeZone),
                doctor: slot.doctor.name,
                branch: lang === 'ru' ? slot.branch.nameRu : slot.branch.nameEn,
              })}`
            : null}
        </p>,
      );
    } catch (err) {
      setError(err);
      setBusy(false);
      // Someone booked the slot first: the error says so, and the list is fetched afresh.
      if (err instanceof ApiError && err.code === 'SLOT_TAKEN') {
        setSlot(null);
        setSlotsReload((n) => n + 1);
      }
    }
  };

  return (
    <article className="panel task" aria-labelledby={`${hintId}-h`} data-task={task.id}>
      <h3 id={`${hintId}-h`} ref={heading} tabIndex={-1}>
        {t('worklist.taskOf', { name: task.patientName || '—' })}
      </h3>
      <dl className="props">
        <dt>{t('worklist.purpose')}</dt>
        <dd>{maybe(`purpose.${task.purpose}`, task.purpose)}</dd>
        <dt>{t('worklist.due')}</dt>
        <dd>{formatDateTime(task.dueAt)}</dd>
        <dt>{t('worklist.phone')}</dt>
        <dd>
          {phone ? (
            <a href={`tel:${phone}`} data-field="phone">
              {phone}
            </a>
          ) : (
            <>
              <span data-field="phone">{task.phoneMasked ?? '—'}</span>{' '}
              {task.phoneMasked ? (
                <button
                  type="button"
                  className="link"
                  aria-describedby={`${hintId}-r`}
                  onClick={() => void reveal()}
                >
                  {t('worklist.revealPhone')}
                </button>
              ) : null}
            </>
          )}
        </dd>
      </dl>
      <p id={`${hintId}-r`} className="hint">
        {t('worklist.revealHint')}
      </p>
      <h4>{t('worklist.script')}</h4>
      <blockquote className="script">{task.script}</blockquote>
      <form onSubmit={(e) => void submit(e)}>
        <fieldset>
          <legend>{t('worklist.outcome')}</legend>
          {CALL_OUTCOMES.map((o) => (
            <label key={o} className="choice">
              <input
                type="radio"
                name={`outcome-${task.id}`}
                value={o}
                required
                checked={outcome === o}
                onChange={() => setOutcome(o)}
                aria-describedby={`${hintId}-${o}`}
              />
              <span>
                {t(`outcome.${o}`)}
                <span id={`${hintId}-${o}`} className="hint block">
                  {t(`outcome.${o}.hint`)}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        {outcome === 'booked' ? (
          <SlotPicker taskId={task.id} value={slot} onChange={setSlot} reload={slotsReload} />
        ) : null}
        {outcome === 'call_later' ? (
          <Field label={t('worklist.callBackAt')} hint={t('worklist.callBackHint')}>
            {(p) => (
              <input
                {...p}
                type="datetime-local"
                name="callBackAt"
                required
                value={callBackAt}
                onChange={(e) => setCallBackAt(e.target.value)}
              />
            )}
          </Field>
        ) : null}
        <ErrorNote error={error} />
        <button
          type="submit"
          className="primary"
          disabled={busy || !outcome || (outcome === 'booked' && !slot)}
        >
          {t('worklist.record')}
        </button>
      </form>
    </article>
  );
}
