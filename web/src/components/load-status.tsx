import type { Resource } from '../use-resource';
import { ErrorMessage } from './error-message';

interface LoadStatusProps {
  /** Any resource: only whether it has data is read, and its retry takes no loader. */
  resource: Pick<Resource<unknown>, 'data' | 'error'> & { reload: () => Promise<void> };
  /** What is loading, for "Loading users…". */
  what: string;
  /** Offer "Try again" with the error (a list with a Refresh button of its own needs none). */
  retry?: boolean;
}

/** A resource's failure (with a way to retry) or, before its first answer, that it is loading. */
export function LoadStatus({ resource, what, retry = true }: LoadStatusProps) {
  const { data, error, reload } = resource;
  if (error !== undefined) {
    if (!retry) return <ErrorMessage error={error} />;
    return (
      <div class="stack">
        <ErrorMessage error={error} />
        <button type="button" onClick={() => void reload()}>
          Try again
        </button>
      </div>
    );
  }
  return data === undefined ? <p>Loading {what}…</p> : null;
}
