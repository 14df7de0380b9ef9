import { useState } from 'preact/hooks';
import { api } from '../api';
import { FormDialog } from '../components/form-dialog';
import { RoleOptions } from '../components/role-options';
import type { RoleName, ServiceAccount } from '../types';
import { roleName } from '../types';
import { useSubmit } from '../use-submit';

export const SERVICE_ACCOUNTS_URL = '/api/admin/service-account';

interface ServiceAccountDialogProps {
  /** The account to change; without it, a new one is created. */
  account?: ServiceAccount;
  onClose: () => void;
  onSaved: (account: ServiceAccount) => void;
}

/** Creates a service account (username, name, role), or changes one's name and role. */
export function ServiceAccountDialog({ account, onClose, onSaved }: ServiceAccountDialogProps) {
  const [username, setUsername] = useState('');
  const [name, setName] = useState(account?.name ?? '');
  const [rootRole, setRootRole] = useState<RoleName>(() =>
    account ? (roleName(account.rootRole) as RoleName) : 'Viewer',
  );
  const submission = useSubmit();

  const submit = () =>
    submission.run(async () => {
      const trimmedName = name.trim();
      const saved = account
        ? await api<ServiceAccount>('PUT', `${SERVICE_ACCOUNTS_URL}/${account.id}`, {
            // Only a changed name is sent: an account without one does not get "".
            ...(trimmedName !== (account.name ?? '') && { name: trimmedName }),
            rootRole,
          })
        : await api<ServiceAccount>('POST', SERVICE_ACCOUNTS_URL, {
            username: username.trim(),
            ...(trimmedName !== '' && { name: trimmedName }),
            rootRole,
          });
      onSaved(saved);
    });

  return (
    <FormDialog
      title={account ? `Change ${account.username}` : 'Create a service account'}
      onClose={onClose}
      submission={submission}
      onSubmit={submit}
      submitLabel={account ? 'Save changes' : 'Create service account'}
      busyLabel="Saving…"
    >
      {account ? (
        <p class="hint">The username stays; the name and the role can change.</p>
      ) : (
        <div class="field">
          <label for="account-username">Username</label>
          <input
            id="account-username"
            required
            maxLength={100}
            autocomplete="off"
            autocapitalize="off"
            spellcheck={false}
            aria-describedby="account-username-hint"
            value={username}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
          <p id="account-username-hint" class="hint">
            A unique name, such as "ci-deployer". It cannot sign in: it only has tokens.
          </p>
        </div>
      )}
      <div class="field">
        <label for="account-name">Name</label>
        <input
          id="account-name"
          maxLength={200}
          autocomplete="off"
          value={name}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="account-role">Role</label>
        <select
          id="account-role"
          aria-describedby="account-role-hint"
          value={rootRole}
          onChange={(event) => setRootRole(event.currentTarget.value as RoleName)}
        >
          <RoleOptions />
        </select>
        <p id="account-role-hint" class="hint">
          Its tokens act with this role, never more (a token's scopes can only narrow it).
        </p>
      </div>
    </FormDialog>
  );
}
