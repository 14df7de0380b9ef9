import { useState } from 'preact/hooks';
import { api } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DeleteButton } from '../components/delete-button';
import { ActionStatus } from '../components/action-status';
import { LoadStatus } from '../components/load-status';
import { RoleOptions } from '../components/role-options';
import { formatDateTime } from '../format';
import type { AdminUser, RoleName } from '../types';
import { displayName, roleName } from '../types';
import { useAction } from '../use-action';
import { useResource } from '../use-resource';
import { CreateUserDialog } from './create-user-dialog';

const USERS_URL = '/api/admin/user-admin';

type Open = { kind: 'none' } | { kind: 'create' } | { kind: 'delete'; user: AdminUser };

export function UsersPage({ meId }: { meId: number }) {
  const resource = useResource(
    () => api<{ users: AdminUser[] }>('GET', USERS_URL).then((answer) => answer.users),
    [],
  );
  const { data: users, reload: load } = resource;
  const action = useAction();
  const { setStatus } = action;
  const [open, setOpen] = useState<Open>({ kind: 'none' });

  const changeRole = async (user: AdminUser, rootRole: RoleName) => {
    await action.act(async () => {
      await api('PUT', `${USERS_URL}/${user.id}`, { rootRole });
      setStatus(`${displayName(user)} is now ${rootRole}.`);
    });
    // Either way, show what the server holds now (a refused change snaps back).
    await load();
  };

  const close = () => setOpen({ kind: 'none' });

  return (
    <>
      <div class="section-head">
        <h1 tabIndex={-1}>Users</h1>
        <button type="button" class="primary" onClick={() => setOpen({ kind: 'create' })}>
          Create user
        </button>
      </div>
      <ActionStatus action={action} />
      <LoadStatus resource={resource} what="users" />
      {users !== undefined && (
        <table class="cards">
          <caption class="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Last seen</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope="row" data-label="Name">
                  {displayName(user)}
                  {user.id === meId && <span class="muted"> (you)</span>}
                  {user.username && user.name && <div class="muted">{user.username}</div>}
                </th>
                <td data-label="Email">{user.email ?? '—'}</td>
                <td data-label="Role">
                  <select
                    aria-label={`Role of ${displayName(user)}`}
                    value={roleName(user.rootRole)}
                    onChange={(event) =>
                      void changeRole(user, event.currentTarget.value as RoleName)
                    }
                  >
                    <RoleOptions />
                  </select>
                </td>
                <td data-label="Created">
                  <time dateTime={user.createdAt}>{formatDateTime(user.createdAt)}</time>
                </td>
                <td data-label="Last seen">
                  {user.seenAt ? (
                    <time dateTime={user.seenAt}>{formatDateTime(user.seenAt)}</time>
                  ) : (
                    'never'
                  )}
                </td>
                <td class="row-actions">
                  <DeleteButton
                    what={`user ${displayName(user)}`}
                    onClick={() => setOpen({ kind: 'delete', user })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {open.kind === 'create' && (
        <CreateUserDialog
          onClose={close}
          onCreated={async (user) => {
            close();
            await load();
            setStatus(`User ${displayName(user)} created.`);
          }}
        />
      )}
      {open.kind === 'delete' && (
        <ConfirmDialog
          title="Delete this user?"
          confirmLabel="Delete user"
          onClose={close}
          onConfirm={async () => {
            await api('DELETE', `${USERS_URL}/${open.user.id}`);
            close();
            await load();
            setStatus(`User ${displayName(open.user)} deleted.`);
          }}
        >
          <p>
            <strong>{displayName(open.user)}</strong> can no longer sign in, and all of their tokens
            stop working at once. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
