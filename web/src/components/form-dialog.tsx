import type { ComponentChildren } from 'preact';
import type { Submission } from '../use-submit';
import { Dialog } from './dialog';
import { ErrorMessage } from './error-message';

interface FormDialogProps {
  title: string;
  onClose: () => void;
  /** The form's busy and error state (from useSubmit). */
  submission: Submission;
  /** Called on submit (the browser's own submit is prevented): usually submission.run(...). */
  onSubmit: () => unknown;
  submitLabel: string;
  /** What the submit button says while the request runs, such as "Creating…". */
  busyLabel: string;
  /** Focus Cancel first, as before a change that cannot be undone, so that Enter is safe. */
  cancelFirst?: boolean;
  children: ComponentChildren;
}

/** A dialog holding one form: its fields, then its error, then Cancel and the submit button. */
export function FormDialog({
  title,
  onClose,
  submission,
  onSubmit,
  submitLabel,
  busyLabel,
  cancelFirst = false,
  children,
}: FormDialogProps) {
  return (
    <Dialog title={title} onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void onSubmit();
        }}
        class="stack"
      >
        {children}
        <ErrorMessage error={submission.error} />
        <div class="actions">
          <button type="button" {...(cancelFirst && { autofocus: true })} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" aria-disabled={submission.busy}>
            {submission.busy ? busyLabel : submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
