import { useState } from 'preact/hooks';
import { api } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DeleteButton } from '../components/delete-button';
import { ActionStatus } from '../components/action-status';
import { LoadStatus } from '../components/load-status';
import { RoleOptions } from '../components/role-options';
import { formatDateTime } from '../format';
import type { RoleName, ServiceAccount, ServiceAccounts } from '../types';
import { roleName } from '../types';
import { useAction } from '../use-action';
import { useResource } from '../use-resource';
import { SERVICE_ACCOUNTS_URL, ServiceAccountDialog } from './service-account-dialog';
import { ServiceAccountTokens } from './service-account-tokens';

type Open =
  | { kind: 'none' }
  | { kind: 'create' }
  | { kind: 'edit'; account: ServiceAccount }
  | { kind: 'delete'; account: ServiceAccount };

function tokenCount(account: ServiceAccount): string {
  const count = account.tokens?.length ?? 0;
  return count === 1 ? '1 token' : `${count} tokens`;
}

export function ServiceAccountsPage() {
  const resource = useResource(
    () =>
      api<ServiceAccounts>('GET', SERVICE_ACCOUNTS_URL).then((answer) => answer.serviceAccounts),
    [],
  );
  const { data: accounts, reload: load } = resource;
  const action = useAction();
  const { setStatus } = action;
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [selectedId, setSelectedId] = useState<number>();

  const changeRole = async (account: ServiceAccount, rootRole: RoleName) => {
    await action.act(async () => {
      await api('PUT', `${SERVICE_ACCOUNTS_URL}/${account.id}`, { rootRole });
      setStatus(`${account.username} is now ${rootRole}.`);
    });
    // Either way, show what the server holds now (a refused change snaps back).
    await load();
  };

  const close = () => setOpen({ kind: 'none' });
  const selected = accounts?.find((account) => account.id === selectedId);

  return (
    <>
      <div class="section-head">
        <h1 tabIndex={-1}>Service accounts</h1>
        <button type="button" class="primary" onClick={() => setOpen({ kind: 'create' })}>
          Create service account
        </button>
      </div>
      <p class="muted">
        Identities for automation, such as a CI job. They cannot sign in; their tokens act with
        their role.
      </p>
      <ActionStatus action={action} />
      <LoadStatus resource={resource} what="service accounts" />
      {accounts !== undefined && accounts.length === 0 && (
        <p class="empty">No service accounts yet.</p>
      )}
      {accounts !== undefined && accounts.length > 0 && (
        <table class="cards">
          <caption class="visually-hidden">Service accounts</caption>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
              <th scope="col">Tokens</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((account) => (
              <tr key={account.id} aria-current={account.id === selectedId ? 'true' : undefined}>
                <th scope="row" data-label="Username">
                  {account.username}
                  {account.name && <div class="muted">{account.name}</div>}
                </th>
                <td data-label="Role">
                  <select
                    aria-label={`Role of ${account.username}`}
                    value={roleName(account.rootRole)}
                    onChange={(event) =>
                      void changeRole(account, event.currentTarget.value as RoleName)
                    }
                  >
                    <RoleOptions />
                  </select>
                </td>
                <td data-label="Tokens">
                  <button
                    type="button"
                    aria-expanded={account.id === selectedId}
                    aria-controls={`account-${account.id}-tokens-section`}
                    onClick={() =>
                      setSelectedId((current) => (current === account.id ? undefined : account.id))
                    }
                  >
                    {tokenCount(account)}
                    <span class="visually-hidden"> of {account.username}</span>
                    {/* What aria-expanded tells a screen reader, for the eye. */}
                    <span aria-hidden="true">{account.id === selectedId ? ' ▴' : ' ▾'}</span>
                  </button>
                </td>
                <td data-label="Created">
                  <time dateTime={account.createdAt}>{formatDateTime(account.createdAt)}</time>
                </td>
                <td class="row-actions">
                  <button type="button" onClick={() => setOpen({ kind: 'edit', account })}>
                    Edit<span class="visually-hidden"> service account {account.username}</span>
                  </button>{' '}
                  <DeleteButton
                    what={`service account ${account.username}`}
                    onClick={() => setOpen({ kind: 'delete', account })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && (
        <div id={`account-${selected.id}-tokens-section`}>
          {/* Keyed: another account's tokens are another list, never the last one's rows. */}
          <ServiceAccountTokens
            key={selected.id}
            account={selected}
            onChanged={() => void load()}
          />
        </div>
      )}

      {open.kind === 'create' && (
        <ServiceAccountDialog
          onClose={close}
          onSaved={async (account) => {
            close();
            await load();
            setStatus(`Service account ${account.username} created.`);
          }}
        />
      )}
      {open.kind === 'edit' && (
        <ServiceAccountDialog
          account={open.account}
          onClose={close}
          onSaved={async (account) => {
            close();
            await load();
            setStatus(`Service account ${account.username} saved.`);
          }}
        />
      )}
      {open.kind === 'delete' && (
        <ConfirmDialog
          title="Delete this service account?"
          confirmLabel="Delete service account"
          onClose={close}
          onConfirm={async () => {
            await api('DELETE', `${SERVICE_ACCOUNTS_URL}/${open.account.id}`);
            if (selectedId === open.account.id) setSelectedId(undefined);
            close();
            await load();
            setStatus(`Service account ${open.account.username} deleted.`);
          }}
        >
          <p>
            <strong>{open.account.username}</strong> and all of its tokens stop working at once, for
            every program that uses them. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
