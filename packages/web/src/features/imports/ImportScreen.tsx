import { IMPORT_FIELDS } from '@careloop/contracts/imports';
import { type FormEvent, useState } from 'react';
import type { ImportPreviewView, ImportReportView } from '../../api/types.ts';
import { Link } from '../../app/router.tsx';
import { ErrorNote, Field, Loading, Page, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatMapping, listBatches, previewImport, rememberMapping, runImport } from './api.ts';

type Step = 'file' | 'mapping' | 'report';
type Columns = { name: string; field: string | null }[];

export function ImportScreen() {
  const { t } = useI18n();
  const [step, setStep] = useState<Step>('file');
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState('mis');
  const [preview, setPreview] = useState<ImportPreviewView | null>(null);
  const [columns, setColumns] = useState<Columns>([]);
  const [edited, setEdited] = useState(false);
  const [report, setReport] = useState<ImportReportView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const batches = useApi((signal) => listBatches(signal), [report]);

  const loadPreview = async (mapping?: string) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const p = await previewImport(file, mapping);
      setPreview(p);
      setColumns(p.columns.map((c) => ({ name: c.name, field: c.field })));
      setStep('mapping');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const run = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const r = await runImport(file, source.trim() || 'mis', edited ? formatMapping(columns) : undefined);
      rememberMapping(r.batchId, r.columns);
      setReport(r);
      setStep('report');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const restart = () => {
    setStep('file');
    setFile(null);
    setPreview(null);
    setReport(null);
    setEdited(false);
  };

  return (
    <Page title={t('imports.title')}>
      <ol className="steps" aria-label={t('imports.steps')}>
        {(['file', 'mapping', 'report'] as const).map((s) => (
          <li key={s} aria-current={step === s ? 'step' : undefined}>
            {t(`imports.step.${s}`)}
          </li>
        ))}
      </ol>
      <ErrorNote error={error} />
      {busy ? (
        <p className="note note-warn" role="status">
          {step === 'mapping' ? t('imports.running') : t('app.loading')}
        </p>
      ) : null}
      {step === 'file' ? (
        <FileStep
          source={source}
          setSource={setSource}
          setFile={setFile}
          canGo={Boolean(file) && !busy}
          onSubmit={() => void loadPreview()}
        />
      ) : null}
      {step === 'mapping' && preview ? (
        <MappingStep
          preview={preview}
          columns={columns}
          setColumn={(i, field) => {
            setEdited(true);
            setColumns(columns.map((c, j) => (j === i ? { ...c, field } : c)));
          }}
          busy={busy}
          onRefresh={() => void loadPreview(formatMapping(columns))}
          onBack={restart}
          onRun={() => void run()}
        />
      ) : null}
      {step === 'report' && report ? <ReportStep report={report} onAgain={restart} /> : null}
      <section aria-labelledby="batches-title">
        <h2 id="batches-title">{t('imports.batches')}</h2>
        <BatchesTable batches={batches} />
      </section>
    </Page>
  );
}

function FileStep(props: {
  source: string;
  setSource: (s: string) => void;
  setFile: (f: File | null) => void;
  canGo: boolean;
  onSubmit: () => void;
}) {
  const { t } = useI18n();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <form className="panel" onSubmit={submit}>
      <Field label={t('imports.file')} hint={t('imports.fileHint')}>
        {(p) => (
          <input
            {...p}
            name="file"
            type="file"
            accept=".csv,.txt,.tsv,.xlsx,.json,.ndjson"
            onChange={(e) => props.setFile(e.target.files?.[0] ?? null)}
          />
        )}
      </Field>
      <Field label={t('imports.source')} hint={t('imports.sourceHint')}>
        {(p) => (
          <input
            {...p}
            name="source"
            value={props.source}
            onChange={(e) => props.setSource(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="primary" disabled={!props.canGo}>
        {t('imports.preview')}
      </button>
    </form>
  );
}

function MappingStep(props: {
  preview: ImportPreviewView;
  columns: Columns;
  setColumn: (i: number, field: string | null) => void;
  busy: boolean;
  onRefresh: () => void;
  onBack: () => void;
  onRun: () => void;
}) {
  const { t, maybe } = useI18n();
  const p = props.preview;
  const fieldName = (f: string) => maybe(`importField.${f}`, f);
  const mappable = p.format === 'csv' || p.format === 'xlsx';
  return (
    <div className="panel">
      <p>
        {t('imports.detected', {
          format: p.format.toUpperCase(),
          encoding: p.encoding ?? '—',
          delimiter: p.delimiter === '\t' ? 'TAB' : (p.delimiter ?? '—'),
        })}
      </p>
      {mappable ? (
        <div className="table-wrap">
          <table data-testid="mapping">
            <thead>
              <tr>
                <th scope="col">{t('imports.column')}</th>
                <th scope="col">{t('imports.field')}</th>
                <th scope="col">{t('imports.how')}</th>
              </tr>
            </thead>
            <tbody>
              {props.columns.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional; two may share a header
                <tr key={`${i}-${c.name}`}>
                  <th scope="row" id={`col-${i}`}>
                    {c.name}
                  </th>
                  <td>
                    <select
                      aria-labelledby={`col-${i}`}
                      value={c.field ?? ''}
                      onChange={(e) => props.setColumn(i, e.target.value || null)}
                    >
                      <option value="">{t('imports.ignore')}</option>
                      {IMPORT_FIELDS.map((f) => (
                        <option key={f} value={f}>
                          {fieldName(f)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="muted small">{p.columns[i]?.how ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h2>{t('imports.rows')}</h2>
      <div className="table-wrap">
        <table data-testid="preview-rows">
          <thead>
            <tr>
              <th scope="col">{t('imports.row')}</th>
              {props.columns
                .filter((c) => c.field)
                .map((c) => (
                  <th key={c.name} scope="col">
                    {fieldName(c.field!)}
                  </th>
                ))}
              <th scope="col">{t('imports.problems')}</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr key={r.rowNo} data-problems={r.problems.length}>
                <td>{r.rowNo}</td>
                {props.columns
                  .filter((c) => c.field)
                  .map((c) => (
                    <td key={c.name}>{r.fields[c.field!] ?? ''}</td>
                  ))}
                <td className={r.problems.length ? 'status-open' : ''}>
                  {r.problems.length
                    ? r.problems.map((x) => maybe(`problem.${x}`, x)).join(', ')
                    : t('imports.ok')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row" style={{ marginTop: '1rem' }}>
        <button type="button" onClick={props.onBack} disabled={props.busy}>
          {t('imports.back')}
        </button>
        {mappable ? (
          <button type="button" onClick={props.onRefresh} disabled={props.busy}>
            {t('imports.applyMapping')}
          </button>
        ) : null}
        <button type="button" className="primary" onClick={props.onRun} disabled={props.busy}>
          {t('imports.run')}
        </button>
      </div>
    </div>
  );
}

const REPORT_COUNTS = [
  'rows',
  'created',
  'updated',
  'unchanged',
  'partial',
  'rejected',
  'quarantined',
  'consents',
  'visits',
] as const;

function ReportStep({ report, onAgain }: { report: ImportReportView; onAgain: () => void }) {
  const { t, formatNumber } = useI18n();
  return (
    <section className="panel" aria-labelledby="report-title">
      <h2 id="report-title">{t('imports.report')}</h2>
      <dl className="props" data-testid="report">
        {REPORT_COUNTS.map((k) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{t(`imports.count.${k}`)}</dt>
            <dd data-count={k}>{formatNumber(report[k])}</dd>
          </div>
        ))}
      </dl>
      <div className="row" style={{ marginTop: '1rem' }}>
        {report.quarantined > 0 ? (
          <Link href={`/imports/${report.batchId}`} className="button-link">
            {t('imports.openQuarantine', { n: report.quarantined })}
          </Link>
        ) : null}
        <button type="button" onClick={onAgain}>
          {t('imports.again')}
        </button>
      </div>
    </section>
  );
}

function BatchesTable({
  batches,
}: {
  batches: ReturnType<typeof useApi<Awaited<ReturnType<typeof listBatches>>>>;
}) {
  const { t, maybe, formatDateTime, formatNumber } = useI18n();
  if (batches.loading && !batches.data) return <Loading />;
  if (batches.error) return <ErrorNote error={batches.error} onRetry={batches.reload} />;
  const list = batches.data ?? [];
  if (list.length === 0) return <p>{t('imports.noBatches')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('imports.batch')}</th>
            <th scope="col">{t('imports.status')}</th>
            <th scope="col">{t('imports.started')}</th>
            <th scope="col">{t('imports.finished')}</th>
            <th scope="col" className="num">
              {t('imports.count.rows')}
            </th>
            <th scope="col" className="num">
              {t('imports.count.quarantined')}
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((b) => (
            <tr key={b.id}>
              <td>
                <Link href={`/imports/${b.id}`}>{b.fileName}</Link>{' '}
                <span className="muted small">({b.source})</span>
              </td>
              <td>{maybe(`imports.status.${b.status}`, b.status)}</td>
              <td>{formatDateTime(b.startedAt)}</td>
              <td>{b.finishedAt ? formatDateTime(b.finishedAt) : '—'}</td>
              <td className="num">{formatNumber(b.counts.rows ?? 0)}</td>
              <td className="num">{formatNumber(b.counts.quarantined ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
