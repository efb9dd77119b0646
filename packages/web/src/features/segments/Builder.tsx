import { SEGMENT_PURPOSES, type SegmentPurpose } from '@careloop/contracts/segment-rules';
import type { Channel } from '@careloop/contracts/vocab';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import type { SegmentCountView, SegmentRule, SegmentView, SpecialtyOptionView } from '../../api/types.ts';
import { ErrorNote, Field } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { countSegment, createSegment, updateSegment } from './api.ts';
import { anyChannelOptions, purposeOptions } from './conditions.ts';
import { ChoiceField } from './controls.tsx';
import { GroupEditor } from './GroupEditor.tsx';
import { LiveCount } from './LiveCount.tsx';
import { canGrow, fromRule, type GroupNode, groupNode, numbering, toRule } from './rules.ts';

/** Wait for the user to stop typing before asking for a count. */
const DEBOUNCE_MS = 400;

const purposeOf = (s: SegmentView): SegmentPurpose =>
  (SEGMENT_PURPOSES as readonly string[]).includes(s.requestedPurpose)
    ? (s.requestedPurpose as SegmentPurpose)
    : 'marketing.general';

/** The live count of a definition, asked for once the user pauses (R32: suppressed counts stay suppressed). */
function useLiveCount(definition: Parameters<typeof countSegment>[0]) {
  const [count, setCount] = useState<SegmentCountView | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const ac = new AbortController();
    const timer = setTimeout(() => {
      countSegment(definition, ac.signal).then(
        (c) => {
          setCount(c);
          setError(null);
        },
        (e: unknown) => {
          if (!ac.signal.aborted) setError(e);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [definition]);
  return { count, error };
}

/**
 * A new segment, or a saved one (`editing`) loaded into the builder: nested groups, a live
 * count with its purpose (R6, R32), and saving — a change to a saved segment is sent with the
 * version it started from, so an edit made meanwhile by someone else is a conflict, not lost.
 */
export function Builder({
  canSave,
  specialties,
  editing,
  takeFocus,
  onSaved,
  onClose,
}: {
  canSave: boolean;
  specialties: readonly SpecialtyOptionView[];
  editing: SegmentView | null;
  /** Move the focus to the builder when it appears (after opening or closing a saved segment). */
  takeFocus: boolean;
  onSaved: (s: SegmentView) => void;
  onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const [root, setRoot] = useState<GroupNode>(() =>
    editing ? fromRule(editing.rule as SegmentRule) : groupNode('and'),
  );
  const [purpose, setPurpose] = useState<SegmentPurpose>(() =>
    editing ? purposeOf(editing) : 'marketing.general',
  );
  const [channel, setChannel] = useState<Channel | ''>(editing?.channel ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState<{ name: string; version?: number } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const definition = useMemo(
    () => ({ rule: toRule(root), purpose, ...(channel ? { channel } : {}) }),
    [root, purpose, channel],
  );
  const { count, error: countError } = useLiveCount(definition);
  const numbers = useMemo(() => numbering(root), [root]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the builder appears (it is keyed by segment)
  useEffect(() => {
    if (!takeFocus) return;
    heading.current?.focus();
    heading.current?.scrollIntoView?.({ block: 'start' });
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaveError(null);
    setSaved(null);
    try {
      if (editing) {
        const s = await updateSegment(editing.id, {
          name: name.trim(),
          ...definition,
          channel: definition.channel ?? null,
          version: editing.version,
        });
        setSaved({ name: s.name, version: s.version });
        onSaved(s);
      } else {
        const s = await createSegment({ name: name.trim(), ...definition });
        setSaved({ name: s.name });
        onSaved(s);
      }
    } catch (err) {
      setSaveError(err);
    }
  };
  const context = { t, lang, specialties };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="segments-builder" data-builder>
      <h2 id="segments-builder" ref={heading} tabIndex={-1}>
        {editing ? t('segments.builder.edit', { name: editing.name }) : t('segments.builder')}
      </h2>
      <GroupEditor
        node={root}
        level={1}
        numbers={numbers}
        specialties={specialties}
        canGrow={canGrow(root)}
        onChange={setRoot}
      />
      <div className="row">
        <ChoiceField
          label={t('segments.purpose')}
          name="purpose"
          value={purpose}
          options={purposeOptions(context)}
          onChange={(v) => setPurpose(v as SegmentPurpose)}
        />
        <ChoiceField
          label={t('segments.channel')}
          name="channel"
          value={channel}
          options={anyChannelOptions(context)}
          onChange={(v) => setChannel(v as Channel | '')}
        />
      </div>
      <LiveCount count={count} />
      <ErrorNote error={countError} />
      {canSave ? (
        <>
          <Field label={t('segments.name')}>
            {(p) => (
              <input
                {...p}
                name="name"
                required
                maxLength={200}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            )}
          </Field>
          <ErrorNote error={saveError} />
          <div className="row">
            <button type="submit" className="primary">
              {editing ? t('segments.saveChanges') : t('segments.save')}
            </button>
            {editing ? (
              <button type="button" onClick={onClose}>
                {t('segments.close')}
              </button>
            ) : null}
          </div>
          {saved ? (
            <p role="status" className="note">
              {saved.version
                ? t('segments.updated', { name: saved.name, version: saved.version })
                : t('segments.saved', { name: saved.name })}
            </p>
          ) : null}
        </>
      ) : null}
    </form>
  );
}
