import type { Action } from '../use-action';
import { ErrorMessage } from './error-message';

/** The page's status line (always there, so that changes to it are announced) and error. */
export function ActionStatus({ action }: { action: Pick<Action, 'status' | 'error'> }) {
  return (
    <>
      <p class="status" role="status">
        {action.status}
      </p>
      <ErrorMessage error={action.error} />
    </>
  );
}
