import { useCallback, useRef, useState } from 'preact/hooks';

export interface Submission {
  /** An action is running: the submit button says so and a second press does nothing. */
  busy: boolean;
  /** Why the last action failed, shown by the form; cleared when another starts. */
  error: unknown;
  /** For a form's own checks before it sends anything, and for clearing a stale message. */
  setError: (error: unknown) => void;
  /**
   * Runs `action` unless one is already running. A failure is kept in `error` and ends
   * `busy`; success leaves `busy` set, since the caller moves on (the dialog closes, the page
   * changes) and the button must not come back to life meanwhile.
   */
  run: (action: () => Promise<void>) => Promise<void>;
}

/** The busy and error state of a form or a confirmation that sends one request. */
export function useSubmit(): Submission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  // The state above lags a render behind; a double click must not send twice.
  const running = useRef(false);

  const run = useCallback(async (action: () => Promise<void>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      running.current = false;
      setError(failure);
      setBusy(false);
    }
  }, []);

  return { busy, error, setError, run };
}
