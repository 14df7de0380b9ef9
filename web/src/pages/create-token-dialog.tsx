import { useState } from 'preact/hooks';
import { ApiFailure, api } from '../api';
import { Dialog } from '../components/dialog';
import { ErrorMessage } from '../components/error-message';
import {
  daysFromNow,
  EXPIRY_PRESET_DAYS,
  endOfLocalDay,
  formatDate,
  toDateInputValue,
} from '../format';
import type { CreatedPat } from '../types';

type Expiry = `${(typeof EXPIRY_PRESET_DAYS)[number]}` | 'custom';

interface CreateTokenDialogProps {
  onClose: () => void;
  onCreated: (created: CreatedPat) => void;
  /** The server refused because the limit is reached. */
  onDenied: (failure: ApiFailure) => void;
}

export function CreateTokenDialog({ onClose, onCreated, onDenied }: CreateTokenDialogProps) {
  const [description, setDescription] = useState('');
  const [expiry, setExpiry] = useState<Expiry>('30');
  const [customDate, setCustomDate] = useState(() => toDateInputValue(daysFromNow(30)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const expiresAt = expiry === 'custom' ? endOfLocalDay(customDate) : daysFromNow(Number(expiry));

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (expiresAt === undefined) {
      setError(new ApiFailure(0, 'FormError', 'Choose the date the token expires.', []));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<CreatedPat>('POST', '/api/admin/user/tokens', {
        description,
        expiresAt: expiresAt.toISOString(),
      });
      onCreated(created);
    } catch (failure) {
      if (failure instanceof ApiFailure && failure.errorName === 'OperationDeniedError') {
        onDenied(failure);
      }
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <Dialog title="Create a personal API token" onClose={onClose}>
      <form onSubmit={submit} class="stack">
        <div class="field">
          <label for="token-description">Description</label>
          <input
            id="token-description"
            required
            maxLength={255}
            aria-describedby="token-description-hint"
            value={description}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
          <p id="token-description-hint" class="hint">
            What the token is for, such as "CI deploy job". Unique among your tokens.
          </p>
        </div>
        <fieldset>
          <legend>Expires</legend>
          <div class="choices">
            {EXPIRY_PRESET_DAYS.map((days) => (
              <label key={days} class="choice">
                <input
                  type="radio"
                  name="expiry"
                  value={String(days)}
                  checked={expiry === String(days)}
                  onChange={() => setExpiry(`${days}`)}
                />
                {days} days
              </label>
            ))}
            <label class="choice">
              <input
                type="radio"
                name="expiry"
                value="custom"
                checked={expiry === 'custom'}
                onChange={() => setExpiry('custom')}
              />
              Custom date
            </label>
          </div>
          {expiry === 'custom' && (
            <div class="field">
              <label for="token-expiry-date">Expiry date</label>
              <input
                id="token-expiry-date"
                type="date"
                required
                min={toDateInputValue(new Date())}
                value={customDate}
                onInput={(event) => setCustomDate(event.currentTarget.value)}
              />
            </div>
          )}
          <p class="hint" aria-live="polite">
            {expiresAt === undefined
              ? 'Choose a date.'
              : `The token will expire on ${formatDate(expiresAt)}.`}
          </p>
        </fieldset>
        <ErrorMessage error={error} />
        <div class="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" aria-disabled={busy}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
