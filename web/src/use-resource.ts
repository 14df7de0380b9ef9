import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  /** The last answer; kept while a newer one loads, so the page does not flash empty. */
  data: T | undefined;
  /** Why the last load failed; cleared when another one starts, so a retry shows "Loading". */
  error: unknown;
  /**
   * Loads again (after a change, or the user's "Try again") and resolves when the answer is
   * in. A loader of its own replaces the usual one for this call: one that appends the next
   * page to `data`, say.
   */
  reload: (load?: () => Promise<T>) => Promise<void>;
}

/**
 * What a page shows from the server: loaded when `deps` change (once, for none), reloaded on
 * demand. Only the newest request's answer or failure is kept: a slow answer to a request the
 * page has moved past (an older page of events, a role change's reload) must not overwrite a
 * newer one.
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const latest = useRef(0);
  // The loader of the last render: the effect below runs after it, with its deps.
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async (override?: () => Promise<T>) => {
    const ticket = ++latest.current;
    setError(undefined);
    try {
      const answer = await (override ?? loadRef.current)();
      if (ticket === latest.current) setData(() => answer);
    } catch (failure) {
      if (ticket === latest.current) setError(failure);
    }
  }, []);

  useEffect(() => {
    void reload();
    // The caller's deps say when the resource is another one; `reload` never changes.
  }, deps);

  return { data, error, reload };
}
