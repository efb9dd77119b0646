import type { Role } from '@careloop/contracts/vocab';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import type { BlockView, TemplateDetailView, TemplateVersionView } from '../../api/types.ts';
import { Link, type ScreenProps } from '../../app/router.tsx';
import { useStaff } from '../../app/session.tsx';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { getTemplate, listBlocks, moveVersion, saveDraft, type WorkflowStep } from './api.ts';
import { DraftEditor } from './DraftEditor.tsx';
import { draftOf, errorCount, normalise, sameDraft } from './draft.ts';
import { ActionError } from './Findings.tsx';
import { useDraftCheck } from './useDraftCheck.ts';

/** Mirrors the server: marketers and owners write and submit; only an owner approves, retires, sends back. */
export const CONTENT_AUTHORS: readonly Role[] = ['owner', 'marketer'];
const APPROVERS: readonly Role[] = ['owner'];

/** One template: its draft editor (or the version as it stands), the review actions and the history. */
export function TemplateScreen({ params }: ScreenProps) {
  const { t } = useI18n();
  const id = params.id ?? '';
  const detail = useApi((signal) => getTemplate(id, signal), [id]);
  const library = useApi((signal) => listBlocks(signal), []);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const outcome = useRef<HTMLDivElement>(null);
  // After an action the buttons it used may be gone: the outcome takes focus and is read out.
  useEffect(() => {
    if (notice || error) outcome.current?.focus();
  }, [notice, error]);
  const d = detail.data;
  const done = (message: string) => {
    setError(null);
    setNotice(message);
    detail.reload();
  };
  const failed = (e: unknown) => {
    setNotice(null);
    setError(e);
    // The refusal may mean the version moved meanwhile: show it as it is now.
    detail.reload();
  };
  return (
    <Page title={d ? t('content.templateTitle', { key: d.key }) : t('content.one')}>
      <p>
        <Link href="/content">{t('content.back')}</Link>
      </p>
      {detail.loading && !d ? <Loading /> : null}
      <ErrorNote error={detail.error} onRetry={detail.reload} />
      <div ref={outcome} tabIndex={-1} className="outcome" data-outcome="">
        {notice ? (
          <p className="note note-ok" role="status">
            {notice}
          </p>
        ) : null}
        <ActionError error={error} />
      </div>
      {d ? (
        <TemplateBody
          key={stamp(d)}
          detail={d}
          library={library.data ?? []}
          onDone={done}
          onFailed={failed}
          onBusy={() => {
            setNotice(null);
            setError(null);
          }}
        />
      ) : null}
    </Page>
  );
}

/**
 * Changes whenever any version moves or is edited (a saved text pins a new block version, even
 * within the same second): the body then starts again from what is stored.
 */
const stamp = (d: TemplateDetailView): string =>
  d.versions
    .map((v) => `${v.version}:${v.state}:${v.updatedAt}:${v.lint?.fingerprint ?? ''}:${v.reviewNote ?? ''}`)
    .join('|');

function TemplateBody({
  detail,
  library,
  onDone,
  onFailed,
  onBusy,
}: {
  detail: TemplateDetailView;
  library: readonly BlockView[];
  onDone: (message: string) => void;
  onFailed: (e: unknown) => void;
  onBusy: () => void;
}) {
  const { t, maybe } = useI18n();
  const staff = useStaff();
  const latest = detail.versions[detail.versions.length - 1]!;
  const saved = useMemo(() => draftOf(detail, latest), [detail, latest]);
  const [draft, setDraft] = useState(saved);
  const [newVersion, setNewVersion] = useState(false);
  const check = useDraftCheck(detail.sendPurpose, draft);
  const author = CONTENT_AUTHORS.includes(staff.role);
  const editable = author && (latest.state === 'draft' || newVersion);
  const dirty = !sameDraft(draft, saved);
  const errors = check.check && !check.pending ? errorCount(check.check.findings) : null;
  const blockKeys = useMemo(
    () => new Map([...library, ...detail.blocks].map((b) => [b.id, b.key])),
    [library, detail.blocks],
  );

  const save = async (e: FormEvent) => {
    e.preventDefault();
    onBusy();
    try {
      const v = await saveDraft(detail.id, normalise(draft));
      onDone(t('content.saved', { version: v.version }));
    } catch (err) {
      onFailed(err);
    }
  };

  return (
    <>
      <dl className="props">
        <dt>{t('content.sendPurpose')}</dt>
        <dd>{maybe(`content.sendPurpose.${detail.sendPurpose}`, detail.sendPurpose)}</dd>
        <dt>{t('content.latest')}</dt>
        <dd data-latest-state={latest.state}>
          {t('content.versionN', { version: latest.version })} · {t(`content.state.${latest.state}`)}
        </dd>
      </dl>

      <Review
        detail={detail}
        latest={latest}
        errors={errors}
        dirty={dirty}
        onDone={onDone}
        onFailed={onFailed}
        onBusy={onBusy}
      />

      <section className="panel" aria-labelledby="content-version">
        <h2 id="content-version">
          {t('content.versionN', {
            version: editable && latest.state !== 'draft' ? latest.version + 1 : latest.version,
          })}{' '}
          · {t(`content.state.${editable ? 'draft' : latest.state}`)}
        </h2>
        {latest.state === 'in_review' ? <p className="note">{t('content.frozen')}</p> : null}
        {author && !editable && latest.state !== 'in_review' ? (
          <p>
            <button
              type="button"
              onClick={() => setNewVersion(true)}
              aria-describedby="content-new-version-hint"
            >
              {t('content.newVersion')}
            </button>{' '}
            <span id="content-new-version-hint" className="hint">
              {t('content.newVersionHint')}
            </span>
          </p>
        ) : null}
        {!author ? <p className="muted">{t('content.readOnly')}</p> : null}
        <form onSubmit={save} aria-labelledby="content-version">
          <DraftEditor
            draft={draft}
            onChange={setDraft}
            check={check}
            readOnly={!editable}
            library={library}
            blockKeys={blockKeys}
            footer={
              editable ? (
                <div className="row form-actions">
                  <button type="submit" className="primary" disabled={!dirty && latest.state === 'draft'}>
                    {t('content.save')}
                  </button>
                  {dirty ? <span className="note note-warn">{t('content.unsaved')}</span> : null}
                </div>
              ) : null
            }
          />
        </form>
      </section>

      <History versions={detail.versions} />
    </>
  );
}

/** The workflow actions that apply now, each only for the roles allowed to take it. */
function Review({
  detail,
  latest,
  errors,
  dirty,
  onDone,
  onFailed,
  onBusy,
}: {
  detail: TemplateDetailView;
  latest: TemplateVersionView;
  /** Errors the live check finds in the latest version; null while it runs. */
  errors: number | null;
  dirty: boolean;
  onDone: (message: string) => void;
  onFailed: (e: unknown) => void;
  onBusy: () => void;
}) {
  const { t } = useI18n();
  const staff = useStaff();
  const me = `staff:${staff.userId}`;
  const author = CONTENT_AUTHORS.includes(staff.role);
  const approver = APPROVERS.includes(staff.role);
  const inReview = detail.versions.find((v) => v.state === 'in_review');
  const approved = detail.versions.find((v) => v.state === 'approved');
  const [busy, setBusy] = useState(false);
  const [rejecting, setRejecting] = useState(false);
  const [retiring, setRetiring] = useState(false);
  const [reason, setReason] = useState('');

  const act = async (step: WorkflowStep, version: number, note?: string) => {
    onBusy();
    setBusy(true);
    try {
      await moveVersion(detail.id, version, step, note);
      onDone(t(`content.done.${step}`, { version }));
    } catch (e) {
      onFailed(e);
    } finally {
      setBusy(false);
    }
  };

  const submitBlocked = dirty
    ? t('content.submitBlockedUnsaved')
    : errors === null
      ? t('content.checking')
      : errors > 0
        ? t('content.submitBlockedErrors')
        : null;

  return (
    <section className="panel" aria-labelledby="content-review" data-review="">
      <h2 id="content-review">{t('content.review')}</h2>
      {latest.state === 'draft' ? (
        <div>
          <p>{t('content.draftState', { version: latest.version })}</p>
          {latest.reviewNote ? (
            <p className="note note-warn">
              {t('content.reviewNote')}: {latest.reviewNote}
            </p>
          ) : null}
          {author ? (
            <p>
              <button
                type="button"
                className="primary"
                disabled={busy || submitBlocked !== null}
                aria-describedby={submitBlocked ? 'content-submit-why' : undefined}
                onClick={() => void act('submit', latest.version)}
              >
                {t('content.submit')}
              </button>{' '}
              {submitBlocked ? (
                <span id="content-submit-why" className="hint">
                  {submitBlocked}
                </span>
              ) : null}
            </p>
          ) : null}
        </div>
      ) : null}

      {inReview ? (
        <div>
          <p>{t('content.waiting', { version: inReview.version })}</p>
          {approver && inReview.authorId === me ? (
            <p className="note note-warn" data-own-version="">
              {t('content.ownVersion', { version: inReview.version })}
            </p>
          ) : null}
          {approver ? (
            <div className="row">
              {inReview.authorId !== me ? (
                <button
                  type="button"
                  className="primary"
                  disabled={busy || errors === null || errors > 0}
                  aria-describedby={errors ? 'content-approve-why' : undefined}
                  onClick={() => void act('approve', inReview.version)}
                >
                  {t('content.approve')}
                </button>
              ) : null}
              <button
                type="button"
                disabled={busy}
                aria-expanded={rejecting}
                onClick={() => setRejecting(!rejecting)}
              >
                {t('content.reject')}
              </button>
              {errors ? (
                <span id="content-approve-why" className="hint">
                  {t('content.approveBlocked')}
                </span>
              ) : null}
            </div>
          ) : null}
          {approver && rejecting ? (
            <RejectForm
              reason={reason}
              setReason={setReason}
              busy={busy}
              onCancel={() => setRejecting(false)}
              onSend={() => void act('reject', inReview.version, reason.trim())}
            />
          ) : null}
        </div>
      ) : null}

      {approved ? (
        <div>
          <p>{t('content.approvedState', { version: approved.version })}</p>
          {approver ? (
            retiring ? (
              <p className="row">
                <span className="note note-warn">{t('content.retireHint')}</span>
                <button
                  type="button"
                  className="danger"
                  disabled={busy}
                  onClick={() => void act('retire', approved.version)}
                >
                  {t('content.retireOf', { version: approved.version })}
                </button>
                <button type="button" onClick={() => setRetiring(false)}>
                  {t('app.cancel')}
                </button>
              </p>
            ) : (
              <p>
                <button type="button" onClick={() => setRetiring(true)}>
                  {t('content.retire')}
                </button>
              </p>
            )
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function RejectForm({
  reason,
  setReason,
  busy,
  onCancel,
  onSend,
}: {
  reason: string;
  setReason: (s: string) => void;
  busy: boolean;
  onCancel: () => void;
  onSend: () => void;
}) {
  const { t } = useI18n();
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => area.current?.focus(), []);
  return (
    <form
      className="reject"
      onSubmit={(e) => {
        e.preventDefault();
        onSend();
      }}
    >
      <Field label={t('content.rejectReason')}>
        {(p) => (
          <textarea
            {...p}
            ref={area}
            name="reason"
            required
            maxLength={2000}
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" className="primary" disabled={busy || reason.trim() === ''}>
          {t('content.rejectConfirm')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}

function History({ versions }: { versions: readonly TemplateVersionView[] }) {
  const { t, formatDateTime } = useI18n();
  const when = (iso: string | undefined) => (iso ? formatDateTime(iso) : '—');
  const who = (name: string | undefined, id: string) =>
    name ?? (id.startsWith('system:') ? t('content.system') : '—');
  return (
    <section className="panel" aria-labelledby="content-history">
      <h2 id="content-history">{t('content.history')}</h2>
      <div className="table-wrap">
        <table data-history="">
          <thead>
            <tr>
              <th scope="col">{t('content.version')}</th>
              <th scope="col">{t('content.state')}</th>
              <th scope="col">{t('content.author')}</th>
              <th scope="col">{t('content.approver')}</th>
              <th scope="col">{t('content.created')}</th>
              <th scope="col">{t('content.updated')}</th>
              <th scope="col">{t('content.submitted')}</th>
              <th scope="col">{t('content.approvedAt')}</th>
              <th scope="col">{t('content.retiredAt')}</th>
              <th scope="col">{t('content.reviewNote')}</th>
            </tr>
          </thead>
          <tbody>
            {[...versions].reverse().map((v) => (
              <tr key={v.version} data-version={v.version} data-state={v.state}>
                <th scope="row">{v.version}</th>
                <td>{t(`content.state.${v.state}`)}</td>
                <td>{who(v.authorName, v.authorId)}</td>
                <td>{v.approvedBy ? who(v.approverName, v.approvedBy) : '—'}</td>
                <td>{when(v.createdAt)}</td>
                <td>{when(v.updatedAt)}</td>
                <td>{when(v.submittedAt)}</td>
                <td>{when(v.approvedAt)}</td>
                <td>{when(v.retiredAt)}</td>
                <td>{v.reviewNote ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
