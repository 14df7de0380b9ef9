import { useEffect } from 'preact/hooks';
import { LoadStatus } from '../components/load-status';
import type { ServiceAccount } from '../types';
import { SERVICE_ACCOUNTS_URL } from './service-account-dialog';
import { TokenDialogs, useTokenList } from './token-dialogs';
import { TokenTable } from './token-table';

interface ServiceAccountTokensProps {
  account: ServiceAccount;
  /** A token was created or deleted: the account list's counts are stale. */
  onChanged: () => void;
}

/**
 * One service account's tokens: the same table and dialogs as the personal tokens. The owner
 * keys it by account, so another account starts from nothing (no rows, message or refusal of
 * the last one).
 */
export function ServiceAccountTokens({ account, onChanged }: ServiceAccountTokensProps) {
  const list = useTokenList(`${SERVICE_ACCOUNTS_URL}/${account.id}/token`);
  const { resource, setOpen, denied, status } = list;
  const pats = resource.data;
  const headingId = `account-${account.id}-tokens`;

  useEffect(() => {
    // A newly chosen account's tokens: move focus there, so keyboard and screen-reader users
    // land on what they asked for.
    document.getElementById(headingId)?.focus();
  }, [headingId]);

  return (
    <section aria-labelledby={headingId} class="stack">
      <div class="section-head">
        <h2 id={headingId} tabIndex={-1}>
          Tokens of {account.username}
        </h2>
        <button
          type="button"
          class="primary"
          disabled={pats === undefined}
          onClick={() => setOpen({ kind: 'create' })}
        >
          Create token<span class="visually-hidden"> for {account.username}</span>
        </button>
      </div>
      <p class="muted">They act as {account.username}, with its role, on the Unleash Admin API.</p>
      {denied && <p class="alert alert-warning">{denied}</p>}
      <p class="status" role="status">
        {status}
      </p>
      <LoadStatus resource={resource} what="tokens" />
      {pats !== undefined && (
        <TokenTable
          pats={pats}
          caption={`Tokens of ${account.username}`}
          empty={`${account.username} has no tokens yet.`}
          onDelete={(pat) => setOpen({ kind: 'delete', pat })}
          usageUrl={(pat) => `/api/admin/tokens/${pat.id}/usage`}
        />
      )}

      <TokenDialogs list={list} owner={account.username} onChanged={onChanged} />
    </section>
  );
}
