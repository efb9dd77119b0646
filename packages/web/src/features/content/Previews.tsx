import type { DraftCheckView } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { type Finding, variantFindings } from './draft.ts';
import { FindingList, useVariantName } from './Findings.tsx';

type Preview = DraftCheckView['previews'][number];
type Message =
  | { channel: 'sms'; sms: { text: string } }
  | { channel: 'messenger'; messenger: { text: string } }
  | { channel: 'email'; email: { subject: string; preheader: string; html: string; text: string } };

/** Each variant as a recipient would see it (sample values), with the findings on its own text. */
export function Previews({ check, findings }: { check: DraftCheckView; findings: readonly Finding[] }) {
  const { t } = useI18n();
  return (
    <>
      <p className="muted small">{t('content.sampleNote')}</p>
      {check.previews.length === 0 ? <p className="note note-warn">{t('content.noVariants')}</p> : null}
      <div className="variant-previews">
        {check.previews.map((p) => (
          <VariantPreview
            key={`${p.channel}.${p.language}`}
            p={p}
            findings={variantFindings(findings, p.channel, p.language)}
          />
        ))}
      </div>
    </>
  );
}

function VariantPreview({ p, findings }: { p: Preview; findings: readonly Finding[] }) {
  const { t } = useI18n();
  const name = useVariantName()(p.channel, p.language);
  const m = p.message as Message | null;
  return (
    <section className="card variant-preview" aria-label={name} data-variant={`${p.channel}.${p.language}`}>
      <h4>{name}</h4>
      {p.sms ? (
        <p data-sms-parts={p.sms.parts} data-sms-encoding={p.sms.encoding}>
          <strong>{t('content.smsFigures', { characters: p.sms.characters, parts: p.sms.parts })}</strong>
          <br />
          <span className="small">
            {t(p.sms.encoding === 'ucs2' ? 'content.enc.ucs2' : 'content.enc.gsm7')}
          </span>
        </p>
      ) : null}
      {!m ? <p className="muted">{t('content.noPreview')}</p> : null}
      {m?.channel === 'sms' ? <pre className="message-preview">{m.sms.text}</pre> : null}
      {m?.channel === 'messenger' ? <pre className="message-preview">{m.messenger.text}</pre> : null}
      {m?.channel === 'email' ? (
        <>
          <p>{t('content.subject', { subject: m.email.subject })}</p>
          <p className="small">{t('content.preheader', { preheader: m.email.preheader })}</p>
          {/* Our own layout, escaped server-side; sandboxed all the same: no scripts, no navigation. */}
          <iframe
            className="email-html"
            sandbox=""
            srcDoc={m.email.html}
            title={t('content.htmlVersion', { variant: name })}
          />
          <details>
            <summary>{t('content.textVersion')}</summary>
            <pre className="message-preview">{m.email.text}</pre>
          </details>
        </>
      ) : null}
      <FindingList findings={findings} />
    </section>
  );
}
