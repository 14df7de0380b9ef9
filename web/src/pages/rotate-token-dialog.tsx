import { useState } from 'preact/hooks';
import { api } from '../api';
import { FormDialog } from '../components/form-dialog';
import type { CreatedPat, Pat } from '../types';
import { useSubmit } from '../use-submit';

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
  const submission = useSubmit();

  const submit = () =>
    submission.run(async () => {
      const created = await api<CreatedPat>('POST', `/api/admin/user/tokens/${pat.id}/rotate`, {
        overlapSeconds: overlap,
      });
      onRotated(created);
    });

  return (
    <FormDialog
      title="Rotate this token?"
      onClose={onClose}
      submission={submission}
      onSubmit={submit}
      submitLabel="Rotate token"
      busyLabel="Working…"
      cancelFirst
    >
      <p>
        <strong>{pat.description}</strong> gets a new secret, with the same description and the same
        lifetime from now. Programs using the old one must switch to the new one.
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
    </FormDialog>
  );
}
