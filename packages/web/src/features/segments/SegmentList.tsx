import { useEffect, useRef, useState } from 'react';
import type { SegmentView } from '../../api/types.ts';
import { ErrorNote } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { deleteSegment } from './api.ts';

/** A stable ref callback: React calls it once, when the element appears. */
const focusOnMount = (el: HTMLElement | null) => el?.focus();

/** Saved segments; builders open one in the builder or delete it after a confirmation. */
export function SegmentList({
  segments,
  canEdit,
  editingId,
  onEdit,
  onDeleted,
}: {
  segments: readonly SegmentView[];
  canEdit: boolean;
  editingId: string | null;
  onEdit: (s: SegmentView) => void;
  onDeleted: (s: SegmentView) => void;
}) {
  const { t, formatDate } = useI18n();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [deleted, setDeleted] = useState<string | null>(null);
  const list = useRef<HTMLUListElement>(null);
  // Keyboard users keep their place: the confirmation takes focus, and a cancel gives it back.
  const refocus = useRef<string | null>(null);
  useEffect(() => {
    const id = refocus.current;
    if (!id) return;
    refocus.current = null;
    list.current?.querySelector<HTMLElement>(`[data-segment="${id}"] [data-delete]`)?.focus();
  });
  const cancel = (id: string) => {
    refocus.current = id;
    setConfirming(null);
  };
  const remove = async (s: SegmentView) => {
    setError(null);
    try {
      await deleteSegment(s.id);
      setConfirming(null);
      setDeleted(s.name);
      onDeleted(s);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <ErrorNote error={error} />
      {deleted ? (
        <p role="status" className="note">
          {t('segments.deleted', { name: deleted })}
        </p>
      ) : null}
      <ul className="segments" data-segments ref={list}>
        {segments.map((s) => (
          <li key={s.id} data-segment={s.id} aria-current={s.id === editingId ? 'true' : undefined}>
            <span>
              <strong>{s.name}</strong>{' '}
              <span className="small">
                · {t(`segments.purpose.${s.purpose}` as const)}
                {s.healthBased ? ` · ${t('segments.healthBased')}` : ''}
                {s.channel ? ` · ${t(`segments.channel.${s.channel}` as const)}` : ''} ·{' '}
                {t('segments.version', { n: s.version })} · {formatDate(s.updatedAt)}
                {s.id === editingId ? ` · ${t('segments.openNow')}` : ''}
              </span>
            </span>
            {canEdit && confirming !== s.id ? (
              <span className="actions">
                <button
                  type="button"
                  onClick={() => onEdit(s)}
                  aria-label={`${t('segments.edit')}: ${s.name}`}
                >
                  {t('segments.edit')}
                </button>
                <button
                  type="button"
                  data-delete
                  onClick={() => setConfirming(s.id)}
                  aria-label={`${t('segments.delete')}: ${s.name}`}
                >
                  {t('segments.delete')}
                </button>
              </span>
            ) : null}
            {confirming === s.id ? (
              <span className="actions">
                <span id={`delete-${s.id}`}>{t('segments.delete.confirm', { name: s.name })}</span>
                <button
                  type="button"
                  className="danger"
                  aria-describedby={`delete-${s.id}`}
                  onClick={() => remove(s)}
                >
                  {t('segments.delete.yes')}
                </button>
                <button
                  type="button"
                  ref={focusOnMount}
                  aria-describedby={`delete-${s.id}`}
                  onClick={() => cancel(s.id)}
                >
                  {t('segments.cancel')}
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}
