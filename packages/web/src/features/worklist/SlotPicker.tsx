import { useEffect, useId, useState } from 'react';
import type { FreeSlotQuery, FreeSlotView } from '../../api/types.ts';
import { ErrorNote, Field, Loading, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { listFreeSlots } from './api.ts';

const DAY = 86_400_000;
/** A chosen day shows the fortnight from it; without one the server starts now. */
const SPAN_DAYS = 14;
/** Slots listed at once; the server says when more match. */
const LIMIT = 30;

/**
 * The free slots the operator books on the call, soonest first, narrowed by branch,
 * specialty, doctor and a start date. Times are shown on the branch's clock, as the
 * patient will be told. `reload` changes when the list must be fetched again (a slot was
 * taken meanwhile).
 */
export function SlotPicker({
  taskId,
  value,
  onChange,
  reload,
}: {
  taskId: string;
  value: FreeSlotView | null;
  onChange: (slot: FreeSlotView | null) => void;
  reload: number;
}) {
  const { t, lang, formatDateTimeIn } = useI18n();
  const hint = useId();
  const [branchId, setBranchId] = useState('');
  const [specialtyId, setSpecialtyId] = useState('');
  const [doctorId, setDoctorId] = useState('');
  const [day, setDay] = useState('');
  const list = useApi(
    (signal) => {
      const q: FreeSlotQuery = { limit: LIMIT };
      if (branchId) q.branchId = branchId;
      if (specialtyId) q.specialtyId = specialtyId;
      if (doctorId) q.doctorId = doctorId;
      if (day) {
        // The date input has no zone: midnight on the operator's clock.
        const from = new Date(`${day}T00:00`);
        q.from = from.toISOString();
        q.to = new Date(from.getTime() + SPAN_DAYS * DAY).toISOString();
      }
      return listFreeSlots(taskId, q, signal);
    },
    [taskId, branchId, specialtyId, doctorId, day, reload],
  );
  const data = list.data;
  // A choice the fresh list no longer offers (taken meanwhile, filtered out) is dropped.
  useEffect(() => {
    if (value && data && !list.loading && !data.slots.some((s) => s.id === value.id)) onChange(null);
  }, [data, list.loading, value, onChange]);

  const name = (x: { nameRu: string; nameEn: string }) => (lang === 'ru' ? x.nameRu : x.nameEn);
  const narrowed = Boolean(branchId || specialtyId);
  return (
    <fieldset className="slots" aria-describedby={hint}>
      <legend>{t('worklist.slots')}</legend>
      <p id={hint} className="hint">
        {t('worklist.slotsHint')}
      </p>
      <div className="row">
        <Field label={t('worklist.branch')}>
          {(p) => (
            <select
              {...p}
              value={branchId}
              onChange={(e) => {
                setBranchId(e.target.value);
                setDoctorId('');
              }}
            >
              <option value="">{t('worklist.anyBranch')}</option>
              {data?.branches.map((b) => (
                <option key={b.id} value={b.id}>
                  {name(b)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('worklist.specialty')}>
          {(p) => (
            <select
              {...p}
              value={specialtyId}
              onChange={(e) => {
                setSpecialtyId(e.target.value);
                setDoctorId('');
              }}
            >
              <option value="">{t('worklist.anySpecialty')}</option>
              {data?.specialties.map((s) => (
                <option key={s.id} value={s.id}>
                  {name(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('worklist.doctor')}>
          {(p) => (
            <select
              {...p}
              value={doctorId}
              disabled={!narrowed}
              onChange={(e) => setDoctorId(e.target.value)}
            >
              <option value="">{t('worklist.anyDoctor')}</option>
              {data?.doctors.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('worklist.fromDay')}>
          {(p) => <input {...p} type="date" value={day} onChange={(e) => setDay(e.target.value)} />}
        </Field>
      </div>
      {list.loading ? <Loading /> : null}
      <ErrorNote error={list.error} onRetry={list.reload} />
      {data && !list.loading && data.slots.length === 0 ? (
        <p className="muted">{t('worklist.slotsNone')}</p>
      ) : null}
      {data?.slots.length ? (
        <ul className="slot-list">
          {data.slots.map((s) => (
            <li key={s.id} data-slot={s.id}>
              <label className="choice">
                <input
                  type="radio"
                  name={`slot-${taskId}`}
                  value={s.id}
                  required
                  checked={value?.id === s.id}
                  onChange={() => onChange(s)}
                />
                <span>
                  {t('worklist.slotOf', {
                    when: formatDateTimeIn(s.startsAt, s.timeZone),
                    doctor: s.doctor.name,
                    specialty: name(s.specialty),
                    branch: name(s.branch),
                  })}
                </span>
              </label>
            </li>
          ))}
        </ul>
      ) : null}
      {data?.more ? <p className="hint">{t('worklist.slotsMore', { n: LIMIT })}</p> : null}
    </fieldset>
  );
}
