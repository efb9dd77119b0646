import { useState } from 'react';
import type { SegmentView } from '../../api/types.ts';
import { useStaff } from '../../app/session.tsx';
import { ErrorNote, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { listSegments, listSpecialties } from './api.ts';
import { Builder } from './Builder.tsx';
import { SegmentList } from './SegmentList.tsx';

const BUILDERS = new Set(['owner', 'marketer']);

/** Saved segments and a builder with a live, privacy-safe count (R32) and its purpose (R6). */
export function SegmentsScreen() {
  const { t } = useI18n();
  const staff = useStaff();
  const canSave = BUILDERS.has(staff.role);
  const segments = useApi((signal) => listSegments(signal), []);
  const specialties = useApi((signal) => listSpecialties(signal), []);
  const [editing, setEditing] = useState<SegmentView | null>(null);
  // After opening or closing a saved segment the builder takes the focus (it starts afresh).
  const [moved, setMoved] = useState(false);
  const open = (s: SegmentView | null) => {
    setEditing(s);
    setMoved(true);
  };
  const saved = (s: SegmentView) => {
    if (editing) setEditing(s);
    segments.reload();
  };
  const deleted = (s: SegmentView) => {
    if (editing?.id === s.id) setEditing(null);
    segments.reload();
  };
  return (
    <Page title={t('segments.title')}>
      <ErrorNote error={specialties.error} onRetry={specialties.reload} />
      <Builder
        // A different segment (or a new one) starts the builder afresh.
        key={editing?.id ?? 'new'}
        canSave={canSave}
        specialties={specialties.data ?? []}
        editing={editing}
        onSaved={saved}
        takeFocus={moved}
        onClose={() => open(null)}
      />
      <section className="panel" aria-labelledby="segments-list">
        <h2 id="segments-list">{t('segments.list')}</h2>
        <ErrorNote error={segments.error} onRetry={segments.reload} />
        {segments.loading && !segments.data ? <Loading /> : null}
        {segments.data?.length === 0 ? <p>{t('segments.none')}</p> : null}
        {segments.data && segments.data.length > 0 ? (
          <SegmentList
            segments={segments.data}
            canEdit={canSave}
            editingId={editing?.id ?? null}
            onEdit={open}
            onDeleted={deleted}
          />
        ) : null}
      </section>
    </Page>
  );
}
