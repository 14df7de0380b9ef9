import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorMessage } from '../components/error-message';
import { useSubmit } from '../use-submit';

interface LoginPageProps {
  notice?: string | undefined;
  onSignedIn: () => Promise<void>;
}

export function LoginPage({ notice, onSignedIn }: LoginPageProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();

  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await api('POST', '/auth/simple/login', { username, password });
      await onSignedIn();
    });
  };

  return (
    <main class="login" id="main">
      <h1>Sign in to Unlatch</h1>
      {notice && (
        <p class="alert alert-info" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} class="stack">
        <div class="field">
          <label for="login-username">Username or email</label>
          <input
            id="login-username"
            name="username"
            autocomplete="username"
            required
            value={username}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </div>
        <ErrorMessage error={error} />
        <button type="submit" class="primary" aria-disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
