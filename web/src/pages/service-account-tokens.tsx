import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { LoadStatus } from '../components/load-status';
import type { CreatedPat, Pat, ServiceAccount } from '../types';
import { useResource } from '../use-resource';
import { CreateTokenDialog } from './create-token-dialog';
import { SecretDialog } from './secret-dialog';
import { SERVICE_ACCOUNTS_URL } from './service-account-dialog';
import { TokenTable } from './token-table';

type Open =
  | { kind: 'none' }
  | { kind: 'create' }
  | { kind: 'secret'; created: CreatedPat }
  | { kind: 'delete'; pat: Pat };

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
  const tokensUrl = `${SERVICE_ACCOUNTS_URL}/${account.id}/token`;
  const resource = useResource(
    () => api<{ pats: Pat[] }>('GET', tokensUrl).then((answer) => answer.pats),
    [tokensUrl],
  );
  const { data: pats, reload: load } = resource;
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [denied, setDenied] = useState<string>();
  const [status, setStatus] = useState('');
  const headingId = `account-${account.id}-tokens`;

  useEffect(() => {
    // A newly chosen account's tokens: move focus there, so keyboard and screen-reader users
    // land on what they asked for.
    document.getElementById(headingId)?.focus();
  }, [headingId]);

  const close = () => setOpen({ kind: 'none' });

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

      {open.kind === 'create' && (
        <CreateTokenDialog
          url={tokensUrl}
          title={`Create a token for ${account.username}`}
          owner={`the tokens of ${account.username}`}
          onClose={close}
          onCreated={(created) => {
            setOpen({ kind: 'secret', created });
            setStatus(`Token "${created.description}" created.`);
            void load();
            onChanged();
          }}
          onDenied={(failure) => {
            setDenied(failure.message);
            void load();
          }}
        />
      )}
      {open.kind === 'secret' && <SecretDialog created={open.created} onClose={close} />}
      {open.kind === 'delete' && (
        <ConfirmDialog
          title="Delete this token?"
          confirmLabel="Delete token"
          onClose={close}
          onConfirm={async () => {
            await api('DELETE', `${tokensUrl}/${open.pat.id}`);
            setDenied(undefined);
            setStatus(`Token "${open.pat.description}" deleted.`);
            close();
            await load();
            onChanged();
          }}
        >
          <p>
            <strong>{open.pat.description}</strong> of {account.username} stops working at once, for
            every program that uses it. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
