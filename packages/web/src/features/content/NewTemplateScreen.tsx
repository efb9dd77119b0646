import type { Purpose } from '@careloop/contracts/vocab';
import { type FormEvent, useState } from 'react';
import { Link, navigate } from '../../app/router.tsx';
import { ErrorNote, Field, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { createDraft, listBlocks } from './api.ts';
import { DraftEditor } from './DraftEditor.tsx';
import { classOf, emptyDraft, normalise, SEND_PURPOSES } from './draft.ts';
import { ActionError } from './Findings.tsx';
import { useDraftCheck } from './useDraftCheck.ts';

const NO_KEYS: ReadonlyMap<string, string> = new Map();

/** A new template: its key and send purpose, then the same editor, checked live before it is ever saved. */
export function NewTemplateScreen() {
  const { t, lang } = useI18n();
  const library = useApi((signal) => listBlocks(signal), []);
  const [key, setKey] = useState('');
  const [sendPurpose, setSendPurpose] = useState<Purpose>('marketing.general');
  const [draft, setDraft] = useState(() => emptyDraft('marketing.general', lang));
  const check = useDraftCheck(sendPurpose, draft);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const keys = new Map((library.data ?? []).map((b) => [b.id, b.key]));

  const choosePurpose = (p: Purpose) => {
    setSendPurpose(p);
    // The class follows the purpose (R13); medical advertising is the usual case for a clinic.
    setDraft({
      ...draft,
      purpose: classOf(p),
      medical: classOf(p) === 'advertising' ? draft.medical : false,
    });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const v = await createDraft({ key: key.trim(), sendPurpose, draft: normalise(draft) });
      navigate(`/content/${v.templateId}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Page title={t('content.new')}>
      <p>
        <Link href="/content">{t('content.back')}</Link>
      </p>
      <ErrorNote error={library.error} onRetry={library.reload} />
      <form onSubmit={submit} aria-label={t('content.new')}>
        <DraftEditor
          draft={draft}
          onChange={setDraft}
          check={check}
          readOnly={false}
          library={library.data ?? []}
          blockKeys={library.data ? keys : NO_KEYS}
          header={
            <div className="row">
              <Field label={t('content.key')} hint={t('content.keyHint')}>
                {(p) => (
                  <input
                    {...p}
                    name="key"
                    required
                    pattern="[a-z][a-z0-9_.\-]{1,62}"
                    autoComplete="off"
                    spellCheck={false}
                    value={key}
                    onChange={(e) => setKey(e.target.value)}
                  />
                )}
              </Field>
              <Field label={t('content.sendPurpose')}>
                {(p) => (
                  <select
                    {...p}
                    name="sendPurpose"
                    value={sendPurpose}
                    onChange={(e) => choosePurpose(e.target.value as Purpose)}
                  >
                    {SEND_PURPOSES.map((x) => (
                      <option key={x} value={x}>
                        {t(`content.sendPurpose.${x}` as 'content.sendPurpose.marketing.general')}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
          }
          footer={
            <div className="form-actions">
              <ActionError error={error} />
              <button type="submit" className="primary" disabled={busy}>
                {t('content.create')}
              </button>
            </div>
          }
        />
      </form>
    </Page>
  );
}
