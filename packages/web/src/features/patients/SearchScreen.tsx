import { type FormEvent, useState } from 'react';
import type { PatientSearch, PatientSummary } from '../../api/types.ts';
import { Link } from '../../app/router.tsx';
import { ErrorNote, Field, Page } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { searchPatients } from './api.ts';

type By = 'name' | 'phone' | 'card';

/**
 * The last search lives in memory only, so coming back from a card shows it again;
 * a reload or sign-out forgets it (R38: never in the URL or browser storage).
 */
let lastSearch: { by: By; term: string; results: PatientSummary[] } | null = null;

export function SearchScreen() {
  const { t, formatDate } = useI18n();
  const [by, setBy] = useState<By>(lastSearch?.by ?? 'name');
  const [term, setTerm] = useState(lastSearch?.term ?? '');
  const [results, setResults] = useState<PatientSummary[] | null>(lastSearch?.results ?? null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const q = term.trim();
    if (!q) return;
    setBusy(true);
    setError(null);
    try {
      const body: PatientSearch = by === 'name' ? { name: q } : by === 'phone' ? { phone: q } : { card: q };
      const found = await searchPatients(body);
      lastSearch = { by, term: q, results: found };
      setResults(found);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('patients.title')}>
      <search>
        <form className="panel" onSubmit={submit}>
          <div className="row">
            <Field label={t('patients.searchBy')}>
              {(p) => (
                <select {...p} name="by" value={by} onChange={(e) => setBy(e.target.value as By)}>
                  <option value="name">{t('patients.by.name')}</option>
                  <option value="phone">{t('patients.by.phone')}</option>
                  <option value="card">{t('patients.by.card')}</option>
                </select>
              )}
            </Field>
            <Field label={t('patients.term')} hint={t('patients.termHint')}>
              {(p) => (
                <input
                  {...p}
                  name="term"
                  type="search"
                  autoComplete="off"
                  value={term}
                  onChange={(e) => setTerm(e.target.value)}
                />
              )}
            </Field>
            <div className="field">
              <button type="submit" className="primary" disabled={busy}>
                {t('patients.search')}
              </button>
            </div>
          </div>
        </form>
      </search>
      <ErrorNote error={error} />
      {results ? (
        <section aria-live="polite">
          <p role="status">
            {results.length ? t('patients.results', { n: results.length }) : t('patients.nothing')}
          </p>
          {results.length ? (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('patients.name')}</th>
                    <th scope="col">{t('patients.birthDate')}</th>
                    <th scope="col">{t('patients.phone')}</th>
                  </tr>
                </thead>
                <tbody>
                  {results.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <Link href={`/patients/${p.id}`}>
                          {[p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ')}
                        </Link>
                      </td>
                      <td>{p.birthDate ? formatDate(p.birthDate) : '—'}</td>
                      <td>{p.phone ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      ) : null}
    </Page>
  );
}
