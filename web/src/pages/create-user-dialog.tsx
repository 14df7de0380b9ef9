import { useState } from 'preact/hooks';
import { api } from '../api';
import { FormDialog } from '../components/form-dialog';
import { RoleOptions } from '../components/role-options';
import type { AdminUser, RoleName } from '../types';
import { useSubmit } from '../use-submit';

interface CreateUserDialogProps {
  onClose: () => void;
  onCreated: (user: AdminUser) => void;
}

/** Empty optional fields are left out, so the server sees "not given" rather than "". */
function optional(name: string, value: string): Record<string, string> {
  const trimmed = value.trim();
  return trimmed === '' ? {} : { [name]: trimmed };
}

export function CreateUserDialog({ onClose, onCreated }: CreateUserDialogProps) {
  const [username, setUsername] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [rootRole, setRootRole] = useState<RoleName>('Viewer');
  const submission = useSubmit();

  const submit = () =>
    submission.run(async () => {
      const user = await api<AdminUser>('POST', '/api/admin/user-admin', {
        ...optional('username', username),
        ...optional('name', name),
        ...optional('email', email),
        password,
        rootRole,
      });
      onCreated(user);
    });

  return (
    <FormDialog
      title="Create a user"
      onClose={onClose}
      submission={submission}
      onSubmit={submit}
      submitLabel="Create user"
      busyLabel="Creating…"
    >
      <p class="hint">Give a username, an email, or both: either one signs in.</p>
      <div class="field">
        <label for="user-username">Username</label>
        <input
          id="user-username"
          autocomplete="off"
          value={username}
          onInput={(event) => setUsername(event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="user-email">Email</label>
        <input
          id="user-email"
          type="email"
          autocomplete="off"
          value={email}
          onInput={(event) => setEmail(event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="user-name">Name</label>
        <input
          id="user-name"
          autocomplete="off"
          value={name}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="user-password">Password</label>
        <input
          id="user-password"
          type="password"
          autocomplete="new-password"
          required
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="user-role">Role</label>
        <select
          id="user-role"
          value={rootRole}
          onChange={(event) => setRootRole(event.currentTarget.value as RoleName)}
        >
          <RoleOptions />
        </select>
      </div>
    </FormDialog>
  );
}
