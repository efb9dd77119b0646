import {
  DATA_CLASSES,
  type DataClass,
  PROCESSOR_ROLES,
  PROCESSOR_SERVICES,
  type ProcessorRole,
  type ProcessorServiceKind,
} from '@careloop/contracts/vocab';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { ProcessorView } from '../../api/types.ts';
import { ErrorNote, Field } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { registerProcessor } from './api.ts';

/** What the form starts from: a configured provider to register, or an entry to change. */
export type Draft = { provider: string; entry?: ProcessorView; service?: ProcessorServiceKind };

/** A new register entry, or the next version of one; the provider of an entry stays as it is. */
export function RegistrationForm({
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
