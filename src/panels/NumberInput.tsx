// A number field that commits on blur or Enter, so typing "3" on the way to
// "300" is not clamped to the minimum mid-keystroke.

import { useEffect, useState } from 'react';

export function NumberInput(props: {
  label: string;
  value: number;
  onCommit: (value: number) => void;
  min?: number;
  max?: number;
  step?: number | 'any';
  disabled?: boolean;
  testId?: string;
  hint?: string;
}) {
  const [text, setText] = useState(String(props.value));
  useEffect(() => setText(String(props.value)), [props.value]);
  const commit = () => {
    const typed = Number(text);
    if (text.trim() === '' || !Number.isFinite(typed)) return setText(String(props.value));
    // The same clamping the state applies, so the field shows what will be used.
    const integer = props.step === undefined || (typeof props.step === 'number' && Number.isInteger(props.step));
    const rounded = integer ? Math.round(typed) : typed;
    const value = Math.min(props.max ?? Infinity, Math.max(props.min ?? -Infinity, rounded));
    setText(String(value));
    if (value !== props.value) props.onCommit(value);
  };
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      <input
        type="number"
        inputMode="decimal"
        value={text}
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        disabled={props.disabled}
        data-testid={props.testId}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      {props.hint && <span className="field-hint">{props.hint}</span>}
    </label>
  );
}
