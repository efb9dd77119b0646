import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { PatientCard } from '../../api/types.ts';
import { Link, type ScreenProps } from '../../app/router.tsx';
import { useStaff } from '../../app/session.tsx';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { getCard, preferenceLink, REVEALABLE, type Revealable } from './api.ts';
import { ConsentsPanel } from './ConsentsPanel.tsx';
import { MessagesPanel } from './MessagesPanel.tsx';

const CONSENT_ROLES = new Set(['owner', 'front_desk', 'doctor', 'auditor']);
const LINK_ROLES = new Set(['owner', 'front_desk', 'auditor']);

export function CardScreen({ params }: ScreenProps) {
  const { t } = useI18n();
  const staff = useStaff();
  const id = params.id!;
  const [reveal, setReveal] = useState<{ fields: Revealable[]; reason: string }>({ fields: [], reason: '' });
  const card = useApi(
    (signal) => getCard(id, reveal.fields, reveal.reason || undefined, signal),
    [id, reveal],
  );

  return (
    <Page title={t('patients.card')} actions={<Link href="/patients">{t('patients.back')}</Link>}>
      {card.loading && !card.data ? <Loading /> : null}
      <ErrorNote error={card.error} onRetry={card.reload} />
      {card.data ? (
        <>
          <CardDetails
            card={card.data}
            onReveal={(field, reason) =>
              setReveal({ fields: [...new Set([...reveal.fields, field])], reason })
            }
          />
          {CONSENT_ROLES.has(staff.role) ? <ConsentsPanel patientId={id} /> : null}
          {LINK_ROLES.has(staff.role) ? <PreferenceLink patientId={id} /> : null}
          <MessagesPanel patientId={id} />
        </>
      ) : null}
    </Page>
  );
}

function CardDetails({
  card,
  onReveal,
}: {
  card: PatientCard;
  onReveal: (f: Revealable, reason: string) => void;
}) {
  const { t, maybe } = useI18n();
  const [asking, setAsking] = useState<Revealable | null>(null);
  const hidden = ['identity', 'contact', 'demographic', 'preference'].filter(
    (c) => !card.classes.includes(c as PatientCard['classes'][number]),
  );
  const section = (
    title: string,
    values: Record<string, string | number | null> | undefined,
    /** Coded values (sex, channel…) are translated; names and contacts never are. */
    coded = false,
  ) =>
    values ? (
      <section className="panel" aria-label={title}>
        <h2>{title}</h2>
        <dl className="props">
          {Object.entries(values)
            .filter(([, v]) => v !== null && v !== '')
            .map(([k, v]) => (
              <div key={k} style={{ display: 'contents' }}>
                <dt>{maybe(`field.${k}`, k)}</dt>
                <dd>
                  <span data-field={k}>
                    {coded && typeof v === 'string' ? maybe(`value.${v}`, v) : String(v)}
                  </span>{' '}
                  {(REVEALABLE as readonly string[]).includes(k) && !card.revealed.includes(k) ? (
                    <button type="button" className="link" onClick={() => setAsking(k as Revealable)}>
                      {t('patients.reveal')}
                      <span className="sr-only"> {maybe(`field.${k}`, k)}</span>
                    </button>
                  ) : null}
                </dd>
              </div>
            ))}
        </dl>
      </section>
    ) : null;
  return (
    <>
      {hidden.length ? (
        <p className="muted small">
          {t('patients.hiddenClasses', { classes: hidden.map((c) => maybe(`patients.${c}`, c)).join(', ') })}
        </p>
      ) : null}
      {card.revealed.length ? (
        <p className="note note-warn" role="status">
          {t('patients.revealed', { fields: card.revealed.map((f) => maybe(`field.${f}`, f)).join(', ') })}
        </p>
      ) : null}
      {asking ? (
        <RevealForm
          field={asking}
          onCancel={() => setAsking(null)}
          onSubmit={(reason) => {
            onReveal(asking, reason);
            setAsking(null);
          }}
        />
      ) : null}
      <div className="sections">
        {section(t('patients.identity'), card.identity)}
        {section(t('patients.contact'), card.contact)}
        {section(t('patients.demographic'), card.demographic, true)}
        {section(t('patients.preference'), card.preference, true)}
      </div>
    </>
  );
}

function RevealForm({
  field,
  onSubmit,
  onCancel,
}: {
  field: Revealable;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}) {
  const { t, maybe } = useI18n();
  const [reason, setReason] = useState('');
  const input = useRef<HTMLInputElement>(null);
  // The form opens on request: its only field takes focus.
  useEffect(() => input.current?.focus(), []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length >= 3) onSubmit(reason.trim());
  };
  return (
    <form
      className="panel"
      onSubmit={submit}
      aria-label={t('patients.revealTitle', { field: maybe(`field.${field}`, field) })}
    >
      <h2>{t('patients.revealTitle', { field: maybe(`field.${field}`, field) })}</h2>
      <Field label={t('patients.reason')} hint={t('patients.reasonHint')}>
        {(p) => (
          <input
            {...p}
            name="reason"
            required
            minLength={3}
            ref={input}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" className="primary">
          {t('patients.reveal')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}

function PreferenceLink({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <section className="panel" aria-labelledby="pref-link">
      <h2 id="pref-link">{t('patients.link')}</h2>
      <p className="muted">{t('patients.linkHint')}</p>
      <button
        type="button"
        onClick={() => {
          setError(null);
          preferenceLink(patientId).then((l) => setUrl(l.url), setError);
        }}
      >
        {t('patients.linkMake')}
      </button>
      <ErrorNote error={error} />
      {url ? (
        <p>
          <output data-testid="preference-link">{url}</output>
        </p>
      ) : null}
    </section>
  );
}
