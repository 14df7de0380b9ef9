import type { ComponentChildren } from 'preact';
import { Dialog } from './dialog';
import { useSubmit } from '../use-submit';
import { ErrorMessage } from './error-message';

interface ConfirmDialogProps {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Asks before something that cannot be undone. Cancel has the focus, so Enter is safe. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const { busy, error, run } = useSubmit();
  const confirm = () => run(onConfirm);

  return (
    <Dialog title={title} onClose={onClose}>
      {children}
      <ErrorMessage error={error} />
      <div class="actions">
        <button type="button" autofocus onClick={onClose}>
          Cancel
        </button>
        <button type="button" class="danger" aria-disabled={busy} onClick={confirm}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
