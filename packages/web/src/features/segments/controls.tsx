import type { Ref } from 'react';
import { Field } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { FieldSpec, Option, OptionContext } from './conditions.ts';

/** A labelled choice from a list. */
export function ChoiceField({
  label,
  name,
  value,
  options,
  onChange,
  selectRef,
}: {
  label: string;
  name?: string;
  value: string;
  options: readonly Option[];
  onChange: (v: string) => void;
  selectRef?: Ref<HTMLSelectElement>;
}) {
  return (
    <Field label={label}>
      {(p) => (
        <select {...p} ref={selectRef} name={name} value={value} onChange={(e) => onChange(e.target.value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** One field of a condition, from its entry in the table of condition kinds. */
export function SpecField({
  spec,
  value,
  context,
  onChange,
}: {
  spec: FieldSpec;
  value: string;
  context: OptionContext;
  onChange: (v: string) => void;
}) {
  const label = context.t(spec.label);
  if (spec.input === 'select')
    return (
      <ChoiceField label={label} value={value} options={spec.options?.(context) ?? []} onChange={onChange} />
    );
  return (
    <Field label={label}>
      {(p) => (
        <input
          {...p}
          type="number"
          inputMode="numeric"
          min={0}
          max={spec.max}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** "NOT": the node matches the patients its rule does not. */
export function NotToggle({
  checked,
  disabled,
  onChange,
}: {
  checked: boolean;
  disabled?: boolean;
  onChange: (not: boolean) => void;
}) {
  const { t } = useI18n();
  return (
    <label className="choice not-toggle">
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled && !checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      {t('segments.not')}
    </label>
  );
}
