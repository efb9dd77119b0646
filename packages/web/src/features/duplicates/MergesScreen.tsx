import { type ReactNode, useState } from 'react';
import type { MergeView } from '../../api/types.ts';
import { Link } from '../../app/router.tsx';
import { useStaff } from '../../app/session.tsx';
import { ErrorNote, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { MERGE_ROLES } from './access.ts';
import { listMerges, PAGE_SIZE, unmerge } from './api.ts';
import { percent } from './evidence.ts';

/** Merges, newest first: who merged what and when, and the undo. Records appear by card link only. */
export function MergesScreen() {
  const { t, formatDateTime, maybe } = useI18n();
  const staff = useStaff();
  const canUndo = MERGE_ROLES.has(staff.role);
  // Where each page opened so far starts: the last merge of the page before it (null: the first page).
  const [pages, setPages] = useState<readonly (string | null)[]>([null]);
  const before = pages.at(-1) ?? null;
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<ReactNode>(null);
  const merges = useApi((signal) => listMerges({ before }, signal), [before]);

  const undo = async (m: MergeView) => {
    setBusy(true);
    setError(null);
    try {
      const r = await unmerge(m.id);
      setNote(
        <div className="note note-ok" role="status" tabIndex={-1} ref={(el) => el?.focus()}>
          <p>{t('duplicates.unmerged')}</p>
          {r.consentRestored.length ? (
            <p>
              {t('duplicates.consentRestored', {
                kinds: r.consentRestored.map((k) => maybe(`kind.${k}`, k)).join(', '),
              })}
            </p>
          ) : null}
        </div>,
      );
      setConfirming(null);
      merges.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const rows = merges.data ?? [];
  return (
    <Page title={t('duplicates.merges')} actions={<Link href="/duplicates">{t('duplicates.queue')}</Link>}>
      {note}
      <ErrorNote error={error} />
      {merges.loading && !merges.data ? <Loading /> : null}
      <ErrorNote error={merges.error} onRetry={merges.reload} />
      {merges.data && rows.length === 0 ? <p role="status">{t('duplicates.mergesEmpty')}</p> : null}
      {rows.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('duplicates.mergedAt')}</th>
                <th scope="col">{t('duplicates.survivorId')}</th>
                <th scope="col">{t('duplicates.mergedId')}</th>
                <th scope="col">{t('duplicates.method')}</th>
                <th scope="col" className="num">
                  {t('duplicates.probability')}
                </th>
                <th scope="col">{t('duplicates.state')}</th>
                <th scope="col">
                  <span className="sr-only">{t('duplicates.unmerge')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.id} data-merge={m.id}>
                  <td>{formatDateTime(m.mergedAt)}</td>
                  <td>
                    <Link href={`/patients/${m.survivorId}`}>
                      {t('duplicates.openCard')} <span className="mono">…{m.survivorId.slice(-6)}</span>
                    </Link>
                  </td>
                  <td>
                    {m.undoneAt ? (
                      <Link href={`/patients/${m.mergedId}`}>
                        {t('duplicates.openCard')} <span className="mono">…{m.mergedId.slice(-6)}</span>
                      </Link>
                    ) : (
                      <span className="mono">…{m.mergedId.slice(-6)}</span>
                    )}
                  </td>
                  <td>{maybe(`duplicates.method.${m.method}`, m.method)}</td>
                  <td className="num">{m.probability === null ? '—' : percent(m.probability)}</td>
                  <td>
                    {m.undoneAt
                      ? t('duplicates.undone', { at: formatDateTime(m.undoneAt) })
                      : t('duplicates.active')}
                  </td>
                  <td>
                    {canUndo && !m.undoneAt ? (
                      confirming === m.id ? (
                        <div className="row">
                          <button
                            type="button"
                            className="danger"
                            disabled={busy}
                            ref={(el) => el?.focus()}
                            onClick={() => void undo(m)}
                          >
                            {t('duplicates.confirmUnmerge')}
                          </button>
                          <button type="button" disabled={busy} onClick={() => setConfirming(null)}>
                            {t('app.cancel')}
                          </button>
                        </div>
                      ) : (
                        <button
                          type="button"
                          aria-label={t('duplicates.unmergeOf', { at: formatDateTime(m.mergedAt) })}
                          onClick={() => {
                            setNote(null);
                            setConfirming(m.id);
                          }}
                        >
                          {t('duplicates.unmerge')}
                        </button>
                      )
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {pages.length > 1 || rows.length === PAGE_SIZE ? (
        <nav className="row pager" aria-label={t('duplicates.merges')}>
          <button type="button" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
            {t('duplicates.prev')}
          </button>
          <button
            type="button"
            disabled={rows.length < PAGE_SIZE}
            onClick={() => setPages([...pages, rows.at(-1)!.id])}
          >
            {t('duplicates.next')}
          </button>
        </nav>
      ) : null}
    </Page>
  );
}
