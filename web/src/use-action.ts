import { useCallback, useState } from 'preact/hooks';

export interface Action {
  /** What the last action did, for the page's status line (read out by screen readers). */
  status: string;
  setStatus: (status: string) => void;
  /** Why the last action failed. */
  error: unknown;
  /** Clears the last status and error, then runs `action`, keeping its failure in `error`. */
  act: (action: () => Promise<void>) => Promise<void>;
}

/** The status line and error of a page's row actions (change a role, send a test). */
export function useAction(): Action {
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>();

  const act = useCallback(async (action: () => Promise<void>) => {
    setError(undefined);
    setStatus('');
    try {
      await action();
    } catch (failure) {
      setError(failure);
    }
  }, []);

  return { status, setStatus, error, act };
}
