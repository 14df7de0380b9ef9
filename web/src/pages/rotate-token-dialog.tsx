import { useState } from 'preact/hooks';
import { api } from '../api';
import { Dialog } from '../components/dialog';
import { ErrorMessage } from '../components/error-message';
import type { CreatedPat, Pat } from '../types';

/** How long the old token keeps working: the server allows 0 to 24 hours. */
export const OVERLAPS: readonly { seconds: number; label: string }[] = [
  { seconds: 0, label: 'None: stop it now' },
  { seconds: 60, label: '1 minute' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
];

interface RotateTokenDialogProps {
  pat: Pat;
  onClose: () => void;
  onRotated: (created: CreatedPat) => void;
}

export function RotateTokenDialog({ pat, onClose, onRotated }: RotateTokenDialogProps) {
  const [overlap, setOverlap] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<CreatedPat>('POST', `/api/admin/user/tokens/${pat.id}/rotate`, {
        overlapSeconds: overlap,
      });
      onRotated(created);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <Dialog title="Rotate this token?" onClose={onClose}>
      <form onSubmit={submit} class="stack">
        <p>
          <strong>{pat.description}</strong> gets a new secret, with the same description and the
          same lifetime from now. Programs using the old one must switch to the new one.
        </p>
        <fieldset>
          <legend>Keep the old token working for</legend>
          <div class="choices">
            {OVERLAPS.map((choice) => (
              <label class="choice" key={choice.seconds}>
                <input
                  type="radio"
                  name="overlap"
                  value={choice.seconds}
                  checked={overlap === choice.seconds}
                  onChange={() => setOverlap(choice.seconds)}
                />{' '}
                {choice.label}
              </label>
            ))}
          </div>
        </fieldset>
        <ErrorMessage error={error} />
        <div class="actions">
          <button type="button" autofocus onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" aria-disabled={busy}>
            {busy ? 'Working…' : 'Rotate token'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
