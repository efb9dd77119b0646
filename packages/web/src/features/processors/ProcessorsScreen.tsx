import {
  DATA_CLASSES,
  type DataClass,
  PROCESSOR_ROLES,
  PROCESSOR_SERVICES,
  type ProcessorRole,
  type ProcessorServiceKind,
} from '@careloop/contracts/vocab';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { ProcessorRegisterView, ProcessorView } from '../../api/types.ts';
import { useStaff } from '../../app/session.tsx';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { getRegister, registerProcessor, retireProcessor } from './api.ts';

type Configured = ProcessorRegisterView['configured'][number];
/** What the form starts from: a configured provider to register, or an entry to change. */
type Draft = { provider: string; entry?: ProcessorView; service?: ProcessorServiceKind };

const SERVICE_OF_CHANNEL: Readonly<Record<Configured['channel'], ProcessorServiceKind>> = {
  email: 'email',
  sms: 'sms',
  messenger: 'messenger',
  call: 'call_centre',
};

/**
 * The processor register (R58): every outside party that receives patients' data, with its
 * country, role, contract and the data classes it may receive. Careloop sends nothing through a
 * provider that is not on it, so the screen starts with the configured providers still missing.
 * The owner keeps it; an auditor reads it. A change is a new version; old versions stay listed.
 */
export function ProcessorsScreen() {
  const { t } = useI18n();
  const staff = useStaff();
  const owner = staff.role === 'owner';
  const register = useApi((signal) => getRegister(signal), []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const current = register.data?.entries.filter((e) => e.retiredAt === null) ?? [];
  const retired = register.data?.entries.filter((e) => e.retiredAt !== null) ?? [];

  const retire = async (e: ProcessorView) => {
    setError(null);
    setNotice(null);
    try {
      await retireProcessor(e.provider);
      setNotice(t('processors.retiredNote', { provider: e.provider }));
      register.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Page title={t('processors.title')}>
      <p className="muted">{t('processors.intro')}</p>
      {notice ? (
        <p className="note note-ok" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorNote error={error ?? register.error} onRetry={register.reload} />
      {register.loading && !register.data ? <Loading /> : null}
      {register.data ? (
        <>
          <ConfiguredTable
            configured={register.data.configured}
            onRegister={
              owner
                ? (c) => setDraft({ provider: c.provider, service: SERVICE_OF_CHANNEL[c.channel] })
                : undefined
            }
          />
          <EntriesTable
            id="processors-current"
            title={t('processors.current')}
            entries={current}
            empty={t('processors.none')}
            onChange={owner ? (e) => setDraft({ provider: e.provider, entry: e }) : undefined}
            onRetire={owner ? retire : undefined}
          />
          {retired.length ? (
            <details>
              <summary>{t('processors.history', { n: retired.length })}</summary>
              <EntriesTable
                id="processors-history"
                title={t('processors.historyTitle')}
                entries={retired}
                empty=""
              />
            </details>
          ) : null}
        </>
      ) : null}
      {owner ? (
        draft ? (
          <RegistrationForm
            key={`${draft.provider}:${draft.entry?.version ?? 0}`}
            draft={draft}
            onCancel={() => setDraft(null)}
            onSaved={(e) => {
              setDraft(null);
              setNotice(t('processors.savedNote', { provider: e.provider, version: e.version }));
              register.reload();
            }}
          />
        ) : (
          <button type="button" className="primary" onClick={() => setDraft({ provider: '' })}>
            {t('processors.add')}
          </button>
        )
      ) : (
        <p className="muted small">{t('processors.ownerOnly')}</p>
      )}
    </Page>
  );
}

function ConfiguredTable({
  configured,
  onRegister,
}: {
  configured: readonly Configured[];
  onRegister: ((c: Configured) => void) | undefined;
}) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="processors-configured">
      <h2 id="processors-configured">{t('processors.configured')}</h2>
      <div className="table-wrap">
        <table data-testid="processors-configured">
          <thead>
            <tr>
              <th scope="col">{t('processors.provider')}</th>
              <th scope="col">{t('processors.channel')}</th>
              <th scope="col">{t('processors.status')}</th>
              <th scope="col">
                <span className="sr-only">{t('processors.register')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {configured.map((c) => (
              <tr key={c.provider} data-provider={c.provider} data-registered={c.registered}>
                <td>
                  <code>{c.provider}</code>
                </td>
                <td>{t(`processors.channel.${c.channel}`)}</td>
                <td className={c.registered ? '' : 'status-overdue'} data-field="status">
                  {!c.external
                    ? t('processors.internal')
                    : c.registered
                      ? t('processors.registered')
                      : t('processors.unregistered')}
                </td>
                <td>
                  {onRegister && c.external && !c.registered ? (
                    <button
                      type="button"
                      aria-label={t('processors.registerNamed', { provider: c.provider })}
                      onClick={() => onRegister(c)}
                    >
                      {t('processors.register')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function EntriesTable({
  id,
  title,
  entries,
  empty,
  onChange,
  onRetire,
}: {
  id: string;
  title: string;
  entries: readonly ProcessorView[];
  empty: string;
  onChange?: ((e: ProcessorView) => void) | undefined;
  onRetire?: ((e: ProcessorView) => Promise<void>) | undefined;
}) {
  const { t, formatDate } = useI18n();
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {entries.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="table-wrap">
          <table data-testid={id}>
            <thead>
              <tr>
                <th scope="col">{t('processors.legalName')}</th>
                <th scope="col">{t('processors.service')}</th>
                <th scope="col">{t('processors.country')}</th>
                <th scope="col">{t('processors.contract')}</th>
                <th scope="col">{t('processors.classes')}</th>
                {onChange ? (
                  <th scope="col">
                    <span className="sr-only">{t('processors.actions')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={`${e.provider}:${e.version}`} data-provider={e.provider} data-version={e.version}>
                  <td>
                    {e.legalName}
                    <div className="muted small">
                      <code>{e.provider}</code> · v{e.version}
                    </div>
                  </td>
                  <td>
                    {t(`processors.service.${e.service}`)}
                    <div className="muted small">{t(`processors.role.${e.role}`)}</div>
                  </td>
                  <td data-field="country">
                    {e.country}
                    {e.abroad ? (
                      <div className="small" data-flag="abroad">
                        {t('processors.abroad', { ref: e.transferRef ?? '—' })}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    {e.contractRef}
                    <div className="muted small" data-field="since">
                      {t('processors.since')}: {formatDate(e.registeredAt)}
                      {e.retiredAt ? ` — ${formatDate(e.retiredAt)}` : ''}
                    </div>
                  </td>
                  <td data-field="classes">
                    {e.dataClasses.map((c) => t(`processors.class.${c}`)).join(', ')}
                  </td>
                  {onChange ? (
                    <td>
                      <div className="row">
                        <button
                          type="button"
                          aria-label={t('processors.changeNamed', { provider: e.provider })}
                          onClick={() => onChange(e)}
                        >
                          {t('processors.change')}
                        </button>
                        {onRetire ? (
                          <button
                            type="button"
                            aria-label={t('processors.retireNamed', { provider: e.provider })}
                            onClick={() => void onRetire(e)}
                          >
                            {t('processors.retire')}
                          </button>
                        ) : null}
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RegistrationForm({
  draft,
  onCancel,
  onSaved,
}: {
  draft: Draft;
  onCancel: () => void;
  onSaved: (e: ProcessorView) => void;
}) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const e = draft.entry;
  const [provider, setProvider] = useState(draft.provider);
  const [legalName, setLegalName] = useState(e?.legalName ?? '');
  const [service, setService] = useState<ProcessorServiceKind>(e?.service ?? draft.service ?? 'email');
  const [role, setRole] = useState<ProcessorRole>(e?.role ?? 'processor');
  const [country, setCountry] = useState(e?.country ?? 'RU');
  const [contractRef, setContractRef] = useState(e?.contractRef ?? '');
  const [transferRef, setTransferRef] = useState(e?.transferRef ?? '');
  const [classes, setClasses] = useState<ReadonlySet<DataClass>>(new Set(e?.dataClasses ?? ['contact']));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => heading.current?.focus(), []);

  const toggle = (c: DataClass) =>
    setClasses((prev) => {
      const next = new Set(prev);
      if (next.has(c)) next.delete(c);
      else next.add(c);
      return next;
    });
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(
        await registerProcessor({
          provider: provider.trim(),
          legalName,
          service,
          role,
          country: country.trim().toUpperCase(),
          contractRef,
          dataClasses: DATA_CLASSES.filter((c) => classes.has(c)),
          ...(transferRef.trim() ? { transferRef: transferRef.trim() } : {}),
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="processor-form" data-testid="processor-form">
      <h2 id="processor-form" ref={heading} tabIndex={-1}>
        {e ? t('processors.changeTitle', { provider: e.provider }) : t('processors.newTitle')}
      </h2>
      {e ? <p className="muted small">{t('processors.versionHint', { version: e.version + 1 })}</p> : null}
      <ErrorNote error={error} />
      <fieldset disabled={busy}>
        <div className="row">
          <Field label={t('processors.provider')} hint={t('processors.providerHint')}>
            {(p) => (
              <input
                {...p}
                name="provider"
                required
                readOnly={Boolean(e)}
                value={provider}
                onChange={(x) => setProvider(x.target.value)}
              />
            )}
          </Field>
          <Field label={t('processors.legalName')}>
            {(p) => (
              <input
                {...p}
                name="legalName"
                required
                value={legalName}
                onChange={(x) => setLegalName(x.target.value)}
              />
            )}
          </Field>
        </div>
        <div className="row">
          <Field label={t('processors.service')}>
            {(p) => (
              <select
                {...p}
                name="service"
                value={service}
                onChange={(x) => setService(x.target.value as ProcessorServiceKind)}
              >
                {PROCESSOR_SERVICES.map((s) => (
                  <option key={s} value={s}>
                    {t(`processors.service.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('processors.role')}>
            {(p) => (
              <select
                {...p}
                name="role"
                value={role}
                onChange={(x) => setRole(x.target.value as ProcessorRole)}
              >
                {PROCESSOR_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`processors.role.${r}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('processors.country')} hint={t('processors.countryHint')}>
            {(p) => (
              <input
                {...p}
                name="country"
                required
                maxLength={2}
                size={4}
                value={country}
                onChange={(x) => setCountry(x.target.value)}
              />
            )}
          </Field>
        </div>
        <Field label={t('processors.contract')} hint={t('processors.contractHint')}>
          {(p) => (
            <input
              {...p}
              name="contractRef"
              required
              value={contractRef}
              onChange={(x) => setContractRef(x.target.value)}
            />
          )}
        </Field>
        <Field label={t('processors.transfer')} hint={t('processors.transferHint')}>
          {(p) => (
            <input
              {...p}
              name="transferRef"
              value={transferRef}
              onChange={(x) => setTransferRef(x.target.value)}
            />
          )}
        </Field>
        <fieldset>
          <legend>{t('processors.classes')}</legend>
          <p className="hint">{t('processors.classesHint')}</p>
          <div className="row">
            {DATA_CLASSES.map((c) => (
              <label key={c} className="choice">
                <input
                  type="checkbox"
                  name="dataClasses"
                  value={c}
                  checked={classes.has(c)}
                  onChange={() => toggle(c)}
                />{' '}
                {t(`processors.class.${c}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="row">
          <button type="submit" className="primary">
            {t('processors.save')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('app.cancel')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
