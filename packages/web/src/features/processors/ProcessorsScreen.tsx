import type { ProcessorServiceKind } from '@careloop/contracts/vocab';
import { useState } from 'react';
import type { ProcessorRegisterView, ProcessorView } from '../../api/types.ts';
import { useStaff } from '../../app/session.tsx';
import { ErrorNote, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { getRegister, retireProcessor } from './api.ts';
import { type Draft, RegistrationForm } from './RegistrationForm.tsx';

type Configured = ProcessorRegisterView['configured'][number];

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
