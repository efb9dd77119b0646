import type { Language } from '@careloop/contracts/vocab';
import { type ReactNode, useId, useState } from 'react';
import type { BlockView } from '../../api/types.ts';
import { ErrorNote, Field } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import {
  BLOCK_KINDS,
  type BlockText,
  blockFindings,
  CHANNELS,
  type Channel,
  type Draft,
  type DraftBlock,
  draftLanguages,
  errorCount,
  type Finding,
  fromBlock,
  LANGS,
  moveBlock,
  newBlock,
  type OverrideMode,
  overrideMode,
  removeBlock,
  setBlock,
  setEmail,
  setOverride,
  setText,
  TEMPLATE_KINDS,
  templateFindings,
  toggleVariant,
  variantFindings,
  variantOf,
} from './draft.ts';
import { CheckSummary, FindingList, useVariantName } from './Findings.tsx';
import { Previews } from './Previews.tsx';
import type { DraftCheckState } from './useDraftCheck.ts';

/**
 * The draft editor: template settings, channels and languages, the blocks' texts with their
 * per-channel variants, and next to every field the compliance findings on it, live. Controlled:
 * the screen holds the draft and its check, so its workflow buttons know both.
 */
export function DraftEditor({
  draft,
  onChange,
  check,
  readOnly,
  library,
  blockKeys,
  header,
  footer,
}: {
  draft: Draft;
  onChange: (d: Draft) => void;
  check: DraftCheckState;
  readOnly: boolean;
  library: readonly BlockView[];
  /** Keys of the stored blocks a draft names, for the "library block" note. */
  blockKeys: ReadonlyMap<string, string>;
  header?: ReactNode;
  footer?: ReactNode;
}) {
  const { t } = useI18n();
  const findings = check.check?.findings ?? [];
  const langs = draftLanguages(draft);
  const shown = langs.length ? langs : (['ru'] as Language[]);
  return (
    <div className="draft-editor">
      <fieldset disabled={readOnly}>
        <legend>{t('content.templateSection')}</legend>
        {header}
        <Field label={t('content.name')}>
          {(p) => (
            <input
              {...p}
              name="name"
              required
              maxLength={200}
              value={draft.name}
              onChange={(e) => onChange({ ...draft, name: e.target.value })}
            />
          )}
        </Field>
        <div className="row">
          <Field label={t('content.kind')}>
            {(p) => (
              <select
                {...p}
                name="kind"
                value={draft.kind}
                onChange={(e) => onChange({ ...draft, kind: e.target.value as Draft['kind'] })}
              >
                {TEMPLATE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`content.kind.${k}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <label className="choice">
          <input
            type="checkbox"
            name="medical"
            checked={draft.medical}
            onChange={(e) => onChange({ ...draft, medical: e.target.checked })}
          />
          {t('content.medical')}
        </label>
        <p data-template-class={draft.purpose}>
          {t('content.class', { cls: t(`content.class.${draft.purpose}`) })}
        </p>
        <FindingList findings={templateFindings(findings)} />
      </fieldset>

      <Variants draft={draft} onChange={onChange} readOnly={readOnly} findings={findings} />

      <section aria-labelledby="content-blocks" className="blocks">
        <h3 id="content-blocks">{t('content.blocks')}</h3>
        <p className="hint">{t('content.blocksHint')}</p>
        {draft.blocks.length === 0 ? <p className="muted">{t('content.noBlocks')}</p> : null}
        <ol className="block-list">
          {draft.blocks.map((b, i) => (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: blocks are edited in place and moved as a whole
              key={i}
            >
              <BlockEditor
                index={i}
                count={draft.blocks.length}
                block={b}
                draft={draft}
                langs={shown}
                readOnly={readOnly}
                libraryKey={b.blockId ? blockKeys.get(b.blockId) : undefined}
                findings={blockFindings(findings, i)}
                onChange={onChange}
              />
            </li>
          ))}
        </ol>
        {readOnly ? null : (
          <AddBlock
            library={library}
            onAdd={(b) => onChange({ ...draft, blocks: [...draft.blocks, b] })}
            langs={shown}
          />
        )}
      </section>

      {footer}

      <section aria-labelledby="content-check" className="panel check">
        <h3 id="content-check">{t('content.check')}</h3>
        <ErrorNote error={check.error} />
        <CheckSummary findings={findings} pending={check.pending || !check.check} />
        {check.check ? (
          <>
            <FindingList findings={findings} />
            <Previews check={check.check} findings={findings} />
          </>
        ) : null}
      </section>
    </div>
  );
}

function Variants({
  draft,
  onChange,
  readOnly,
  findings,
}: {
  draft: Draft;
  onChange: (d: Draft) => void;
  readOnly: boolean;
  findings: readonly Finding[];
}) {
  const { t } = useI18n();
  const variant = useVariantName();
  return (
    <fieldset disabled={readOnly}>
      <legend>{t('content.variants')}</legend>
      <p className="hint">{t('content.variantsHint')}</p>
      {LANGS.map((lang) => (
        <div key={lang} className="row variant-row">
          {CHANNELS.map((ch) => (
            <label key={ch} className="choice">
              <input
                type="checkbox"
                name={`variant.${ch}.${lang}`}
                checked={variantOf(draft, ch, lang) !== undefined}
                onChange={(e) => onChange(toggleVariant(draft, ch, lang, e.target.checked))}
              />
              {variant(ch, lang)}
            </label>
          ))}
        </div>
      ))}
      {draft.variants.map((v) =>
        v.channel === 'email' ? (
          <div key={v.language} className="email-fields">
            <Field label={t('content.subjectField', { lang: t(`content.lang.${v.language}`) })}>
              {(p) => (
                <input
                  {...p}
                  name={`subject.${v.language}`}
                  maxLength={300}
                  value={v.subject}
                  onChange={(e) => onChange(setEmail(draft, v.language, 'subject', e.target.value))}
                />
              )}
            </Field>
            <Field
              label={t('content.preheaderField', { lang: t(`content.lang.${v.language}`) })}
              hint={t('content.preheaderHint')}
            >
              {(p) => (
                <input
                  {...p}
                  name={`preheader.${v.language}`}
                  maxLength={300}
                  value={v.preheader}
                  onChange={(e) => onChange(setEmail(draft, v.language, 'preheader', e.target.value))}
                />
              )}
            </Field>
            <FindingList
              findings={variantFindings(findings, 'email', v.language, ['subject', 'preheader'])}
            />
          </div>
        ) : null,
      )}
    </fieldset>
  );
}

function BlockEditor({
  index,
  count,
  block,
  draft,
  langs,
  readOnly,
  libraryKey,
  findings,
  onChange,
}: {
  index: number;
  count: number;
  block: DraftBlock;
  draft: Draft;
  langs: readonly Language[];
  readOnly: boolean;
  libraryKey: string | undefined;
  findings: readonly Finding[];
  onChange: (d: Draft) => void;
}) {
  const { t } = useI18n();
  const uid = useId();
  const findingsId = `${uid}-findings`;
  const n = index + 1;
  const update = (b: DraftBlock) => onChange(setBlock(draft, index, b));
  const described = findings.length ? { 'aria-describedby': findingsId } : {};
  const invalid = errorCount(findings) > 0;
  return (
    <fieldset className="block-editor" data-block={n} disabled={readOnly}>
      <legend>{t('content.blockLegend', { n, kind: t(`content.blockKind.${block.kind}`) })}</legend>
      {libraryKey && !readOnly ? (
        <p className="hint">{t('content.libraryBlock', { key: libraryKey })}</p>
      ) : null}
      {langs.map((lang) => {
        const text: BlockText | undefined = block.content[lang];
        const channels = CHANNELS.filter((ch) => variantOf(draft, ch, lang));
        return (
          <div key={lang} className="block-lang" data-lang={lang}>
            <Field label={t('content.textField', { lang: t(`content.lang.${lang}`) })}>
              {(p) => (
                <textarea
                  {...p}
                  {...described}
                  aria-invalid={invalid || undefined}
                  name={`block.${n}.${lang}.text`}
                  rows={3}
                  maxLength={4000}
                  value={text?.text ?? ''}
                  onChange={(e) => update(setText(block, lang, (x) => ({ ...x, text: e.target.value })))}
                />
              )}
            </Field>
            <div className="row">
              {channels.map((ch) => (
                <Field
                  key={ch}
                  label={t('content.channelMode', {
                    channel: t(`content.channel.${ch}`),
                    lang: t(`content.lang.${lang}`),
                  })}
                >
                  {(p) => (
                    <select
                      {...p}
                      name={`block.${n}.${lang}.${ch}.mode`}
                      value={overrideMode(text, ch)}
                      onChange={(e) =>
                        update(
                          setText(block, lang, (x) =>
                            setOverride(x, ch, e.target.value as OverrideMode, x.text),
                          ),
                        )
                      }
                    >
                      {(['same', 'own', 'none'] as const).map((m) => (
                        <option key={m} value={m}>
                          {t(`content.mode.${m}`)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              ))}
            </div>
            {channels
              .filter((ch) => overrideMode(text, ch) === 'own')
              .map((ch: Channel) => (
                <Field
                  key={ch}
                  label={t('content.ownText', {
                    channel: t(`content.channel.${ch}`),
                    lang: t(`content.lang.${lang}`),
                  })}
                >
                  {(p) => (
                    <textarea
                      {...p}
                      {...described}
                      aria-invalid={invalid || undefined}
                      name={`block.${n}.${lang}.${ch}`}
                      rows={2}
                      maxLength={4000}
                      value={(text?.[ch] as string | undefined) ?? ''}
                      onChange={(e) =>
                        update(setText(block, lang, (x) => setOverride(x, ch, 'own', e.target.value)))
                      }
                    />
                  )}
                </Field>
              ))}
          </div>
        );
      })}
      {block.kind === 'call_to_action' ? (
        <Field label={t('content.url')} hint={t('content.urlHint')}>
          {(p) => (
            <input
              {...p}
              name={`block.${n}.url`}
              maxLength={500}
              value={block.url ?? ''}
              onChange={(e) => update({ ...block, url: e.target.value })}
            />
          )}
        </Field>
      ) : null}
      <FindingList findings={findings} id={findingsId} />
      {readOnly ? null : (
        <div className="row block-actions">
          <button
            type="button"
            onClick={() => onChange(moveBlock(draft, index, -1))}
            disabled={index === 0}
            aria-label={t('content.moveUpOf', { n })}
          >
            {t('content.moveUp')}
          </button>
          <button
            type="button"
            onClick={() => onChange(moveBlock(draft, index, 1))}
            disabled={index === count - 1}
            aria-label={t('content.moveDownOf', { n })}
          >
            {t('content.moveDown')}
          </button>
          <button
            type="button"
            onClick={() => onChange(removeBlock(draft, index))}
            aria-label={t('content.removeOf', { n })}
          >
            {t('content.remove')}
          </button>
        </div>
      )}
    </fieldset>
  );
}

/** One control to add a new block of a kind or a library block as it stands. */
function AddBlock({
  library,
  langs,
  onAdd,
}: {
  library: readonly BlockView[];
  langs: readonly Language[];
  onAdd: (b: DraftBlock) => void;
}) {
  const { t } = useI18n();
  const [which, setWhich] = useState('new:body');
  const add = () => {
    const [from, what] = which.split(':') as [string, string];
    if (from === 'new') onAdd(newBlock(what as DraftBlock['kind'], langs));
    else {
      const b = library.find((x) => x.id === what);
      if (b) onAdd(fromBlock(b));
    }
  };
  return (
    <div className="row add-block">
      <Field label={t('content.addWhich')}>
        {(p) => (
          <select {...p} name="add-block" value={which} onChange={(e) => setWhich(e.target.value)}>
            <optgroup label={t('content.addNew')}>
              {BLOCK_KINDS.map((k) => (
                <option key={k} value={`new:${k}`}>
                  {t('content.newBlockOf', { kind: t(`content.blockKind.${k}`) })}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('content.addLibrary')}>
              {library.map((b) => (
                <option key={b.id} value={`lib:${b.id}`}>
                  {b.key} ({t(`content.blockKind.${b.kind}`)})
                </option>
              ))}
            </optgroup>
          </select>
        )}
      </Field>
      <button type="button" onClick={add}>
        {t('content.add')}
      </button>
    </div>
  );
}
