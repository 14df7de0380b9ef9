import { useId, useRef, useState } from 'preact/hooks';

interface ChipInputProps {
  id: string;
  label: string;
  hint: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  /** Why a value cannot be added, or undefined when it can. */
  validate: (value: string) => string | undefined;
  max: number;
  /** What the server said about these values (its 400 details), shown with the field. */
  serverErrors?: readonly string[];
  /** Told whether text is left in the field that is not a chip (so not going to be sent). */
  onPendingChange?: (pending: boolean) => void;
}

/**
 * A list of short values entered one at a time: Enter or a comma adds what was typed as a
 * chip, × (or Backspace in the empty field) removes one. A value that does not fit stays in
 * the field with the reason beside it, so it can be corrected rather than retyped.
 */
export function ChipInput({
  id,
  label,
  hint,
  values,
  onChange,
  validate,
  max,
  serverErrors = [],
  onPendingChange,
}: ChipInputProps) {
  const [draft, setDraftState] = useState('');
  const setDraft = (value: string) => {
    setDraftState(value);
    onPendingChange?.(value.trim() !== '');
  };
  const [problem, setProblem] = useState<string>();
  const [status, setStatus] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const problemId = useId();
  const statusId = useId();

  /** Adds each comma-separated piece; returns what could not be added (kept in the field). */
  const add = (text: string): string => {
    const pieces = text
      .split(',')
      .map((piece) => piece.trim())
      .filter((piece) => piece !== '');
    const next = [...values];
    let rest = '';
    let reason: string | undefined;
    for (const piece of pieces) {
      if (next.includes(piece)) continue;
      reason = next.length >= max ? `At most ${max}.` : validate(piece);
      if (reason !== undefined) {
        rest = piece;
        break;
      }
      next.push(piece);
    }
    setProblem(reason);
    if (next.length !== values.length) {
      onChange(next);
      setStatus(`Added ${next.slice(values.length).join(', ')}.`);
    }
    return rest;
  };

  const remove = (value: string) => {
    onChange(values.filter((item) => item !== value));
    setStatus(`Removed ${value}.`);
    setProblem(undefined);
    inputRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ',') {
      // Enter adds a chip here; it does not submit the form.
      event.preventDefault();
      setDraft(add(draft));
    } else if (event.key === 'Backspace' && draft === '' && values.length > 0) {
      const last = values[values.length - 1];
      if (last !== undefined) remove(last);
    }
  };

  const onInput = (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    // A pasted "a, b, c": everything before the last comma becomes chips.
    if (value.includes(',')) {
      const cut = value.lastIndexOf(',');
      const rest = add(value.slice(0, cut));
      setDraft(rest === '' ? value.slice(cut + 1).trimStart() : rest);
    } else {
      setDraft(value);
      if (problem !== undefined) setProblem(undefined);
    }
  };

  // Leaving the field adds what was typed, so a value is not lost by clicking elsewhere.
  const onBlur = () => {
    if (draft.trim() !== '') setDraft(add(draft));
  };

  const messages = [...(problem === undefined ? [] : [problem]), ...serverErrors];
  const describedBy = [hintId, messages.length > 0 ? problemId : undefined, statusId]
    .filter(Boolean)
    .join(' ');

  return (
    <div class="field chip-field">
      <label for={id}>{label}</label>
      {values.length > 0 && (
        <ul class="chips" aria-label={`${label} added`}>
          {values.map((value) => (
            <li key={value} class="chip">
              <span>{value}</span>
              <button
                type="button"
                class="chip-remove"
                aria-label={`Remove ${value}`}
                onClick={() => remove(value)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id={id}
        ref={inputRef}
        autocomplete="off"
        autocapitalize="off"
        spellcheck={false}
        aria-invalid={messages.length > 0 ? true : undefined}
        aria-describedby={describedBy}
        value={draft}
        onInput={onInput}
        onKeyDown={onKeyDown}
        onBlur={onBlur}
      />
      <p id={hintId} class="hint">
        {hint}
      </p>
      {messages.length > 0 && (
        <ul id={problemId} class="field-errors" role="alert">
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      <p id={statusId} class="visually-hidden" aria-live="polite">
        {status}
      </p>
    </div>
  );
}
