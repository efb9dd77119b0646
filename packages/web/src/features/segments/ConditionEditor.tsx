import type { SpecialtyOptionView } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { CONDITIONS, type Draft } from './conditions.ts';
import { NotToggle, SpecField } from './controls.tsx';
import type { ConditionNode } from './rules.ts';

/** Any condition, its fields drawn from the table of condition kinds; a fieldset named "Condition 3: Age". */
export function ConditionEditor({
  node,
  n,
  specialties,
  canGrow,
  onChange,
  onRemove,
}: {
  node: ConditionNode;
  n: number;
  specialties: readonly SpecialtyOptionView[];
  /** Whether negating may add a node to the rule. */
  canGrow: boolean;
  onChange: (node: ConditionNode) => void;
  onRemove: () => void;
}) {
  const { t, lang } = useI18n();
  const d = node.draft;
  const op = t(d.kind === 'other' ? 'segments.op.other' : `segments.op.${d.kind}`);
  const title = t(node.not ? 'segments.conditionNot' : 'segments.conditionN', { n, op });
  const set = (draft: Draft) => onChange({ ...node, draft });
  return (
    <fieldset className="row condition" data-condition={d.kind} data-node={node.id}>
      <legend>{title}</legend>
      {d.kind === 'other' ? (
        <p className="small">
          {t('segments.other.note')} <code className="mono">{JSON.stringify(d.condition)}</code>
        </p>
      ) : (
        CONDITIONS[d.kind].fields.map((f) => (
          <SpecField
            key={f.name}
            spec={f}
            value={d.values[f.name] ?? ''}
            context={{ t, lang, specialties }}
            onChange={(v) => set({ ...d, values: { ...d.values, [f.name]: v } })}
          />
        ))
      )}
      <NotToggle checked={node.not} disabled={!canGrow} onChange={(not) => onChange({ ...node, not })} />
      <button type="button" onClick={onRemove} aria-label={`${t('segments.remove')}: ${title}`}>
        {t('segments.remove')}
      </button>
    </fieldset>
  );
}
