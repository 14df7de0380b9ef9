import { useId, useRef, useState } from 'preact/hooks';

interface CopyFieldProps {
  label: string;
  value: string;
  rows?: number;
}

/** Read-only text with a copy button; the text stays selectable for copying by hand. */
export function CopyField({ label, value, rows = 2 }: CopyFieldProps) {
  const id = useId();
  const statusId = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [status, setStatus] = useState('');

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setStatus('Copied.');
    } catch {
      // The clipboard API needs a secure context (https or localhost) and permission.
      ref.current?.select();
      setStatus('Could not copy: the text is selected, press Ctrl+C (or ⌘C) to copy it.');
    }
  };

  return (
    <div class="copy-field">
      <label for={id}>{label}</label>
      <div class="copy-row">
        <textarea
          id={id}
          ref={ref}
          readOnly
          rows={rows}
          spellcheck={false}
          autocomplete="off"
          aria-describedby={statusId}
          value={value}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={copy}>
          Copy<span class="visually-hidden"> {label.toLowerCase()}</span>
        </button>
      </div>
      <p id={statusId} class="status" aria-live="polite">
        {status}
      </p>
    </div>
  );
}
