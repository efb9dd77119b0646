import { useEffect, useRef, useState } from 'react';
import type { SpecialtyOptionView } from '../../api/types.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import { ConditionEditor } from './ConditionEditor.tsx';
import { blankDraft, CONDITION_KINDS, type ConditionKind } from './conditions.ts';
import { ChoiceField, NotToggle } from './controls.tsx';
import {
  type BuilderNode,
  conditionNode,
  type GroupNode,
  groupNode,
  MAX_GROUP_LEVELS,
  MAX_GROUP_RULES,
  MAX_NODES,
  withAdded,
  withChild,
  withoutChild,
} from './rules.ts';

/** "Group 2 (any of)", "Group 3 (none of)": the accessible name of a group's fieldset. */
export const groupTitle = (t: Translate, n: number, g: GroupNode): string =>
  t('segments.groupN', {
    n,
    join: t(
      g.not
        ? g.join === 'and'
          ? 'segments.group.notAnd'
          : 'segments.group.notOr'
        : `segments.group.${g.join}`,
    ),
  });

interface Props {
  node: GroupNode;
  /** 1 for the top group. */
  level: number;
  numbers: ReadonlyMap<number, number>;
  specialties: readonly SpecialtyOptionView[];
  canGrow: boolean;
  onChange: (node: GroupNode) => void;
  /** Absent for the top group, which stays. */
  onRemove?: () => void;
}

/**
 * A group of conditions and sub-groups, all of which (or any of which) must hold, possibly
 * negated. Focus follows the keyboard user: to the first control of what was added, and
 * back to the group's "condition" choice after a removal.
 */
export function GroupEditor({ node, level, numbers, specialties, canGrow, onChange, onRemove }: Props) {
  const { t } = useI18n();
  const [adding, setAdding] = useState<ConditionKind>('sex');
  const box = useRef<HTMLFieldSetElement>(null);
  const addSelect = useRef<HTMLSelectElement>(null);
  const focusNext = useRef<number | 'add' | null>(null);
  useEffect(() => {
    const target = focusNext.current;
    if (target === null) return;
    focusNext.current = null;
    if (target === 'add') addSelect.current?.focus();
    else
      box.current
        ?.querySelector<HTMLElement>(`[data-node="${target}"]`)
        ?.querySelector<HTMLElement>('select, input, button')
        ?.focus();
  });

  const title = groupTitle(t, numbers.get(node.id) ?? 1, node);
  const roomy = canGrow && node.children.length < MAX_GROUP_RULES;
  const add = (child: BuilderNode) => {
    focusNext.current = child.id;
    onChange(withAdded(node, child));
  };
  const remove = (i: number) => {
    focusNext.current = 'add';
    onChange(withoutChild(node, i));
  };
  const child = (c: BuilderNode, i: number) =>
    c.type === 'group' ? (
      <GroupEditor
        key={c.id}
        node={c}
        level={level + 1}
        numbers={numbers}
        specialties={specialties}
        canGrow={canGrow}
        onChange={(x) => onChange(withChild(node, i, x))}
        onRemove={() => remove(i)}
      />
    ) : (
      <ConditionEditor
        key={c.id}
        node={c}
        n={numbers.get(c.id) ?? i + 1}
        specialties={specialties}
        canGrow={canGrow}
        onChange={(x) => onChange(withChild(node, i, x))}
        onRemove={() => remove(i)}
      />
    );

  return (
    <fieldset
      ref={box}
      className={node.not ? 'group negated' : 'group'}
      data-node={node.id}
      data-level={level}
    >
      <legend>{title}</legend>
      <div className="row">
        <ChoiceField
          label={t('segments.join')}
          name="join"
          value={node.join}
          options={[
            { value: 'and', label: t('segments.join.and') },
            { value: 'or', label: t('segments.join.or') },
          ]}
          onChange={(v) => onChange({ ...node, join: v as GroupNode['join'] })}
        />
        <NotToggle checked={node.not} disabled={!canGrow} onChange={(not) => onChange({ ...node, not })} />
        {onRemove ? (
          <button type="button" onClick={onRemove} aria-label={`${t('segments.removeGroup')}: ${title}`}>
            {t('segments.removeGroup')}
          </button>
        ) : null}
      </div>
      {node.children.length === 0 ? (
        <p className="muted">
          {t(level === 1 && node.join === 'and' && !node.not ? 'segments.everyone' : 'segments.group.empty')}
        </p>
      ) : null}
      {node.children.map(child)}
      <div className="row" data-add>
        <ChoiceField
          label={t('segments.condition')}
          name="condition"
          value={adding}
          selectRef={addSelect}
          options={CONDITION_KINDS.map((k) => ({ value: k, label: t(`segments.op.${k}`) }))}
          onChange={(v) => setAdding(v as ConditionKind)}
        />
        <button
          type="button"
          disabled={!roomy}
          onClick={() => add(conditionNode(blankDraft(adding, specialties[0]?.id)))}
          aria-label={`${t('segments.add')}: ${title}`}
        >
          {t('segments.add')}
        </button>
        <button
          type="button"
          disabled={!roomy || level >= MAX_GROUP_LEVELS}
          onClick={() => add(groupNode(node.join === 'and' ? 'or' : 'and'))}
          aria-label={`${t('segments.addGroup')}: ${title}`}
        >
          {t('segments.addGroup')}
        </button>
      </div>
      {level >= MAX_GROUP_LEVELS ? (
        <p className="hint small">{t('segments.limit.levels', { n: MAX_GROUP_LEVELS })}</p>
      ) : null}
      {!roomy ? (
        <p className="hint small">{t('segments.limit.size', { rules: MAX_GROUP_RULES, nodes: MAX_NODES })}</p>
      ) : null}
    </fieldset>
  );
}
