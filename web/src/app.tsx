import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, api, setSessionEndedListener } from './api';
import { ErrorMessage } from './components/error-message';
import { Layout } from './components/layout';
import { AdminTokensPage } from './pages/admin-tokens-page';
import { EventsPage } from './pages/events-page';
import { LoginPage } from './pages/login-page';
import { NotAllowed } from './pages/not-allowed';
import { ProfilePage } from './pages/profile-page';
import { ServiceAccountsPage } from './pages/service-accounts-page';
import { UsersPage } from './pages/users-page';
import { WebhooksPage } from './pages/webhooks-page';
import { type Route, useRoute } from './router';
import type { MeResponse, UiConfig } from './types';
import { isAdmin } from './types';

type Session =
  | { state: 'loading' }
  | { state: 'unreachable'; error: unknown }
  | { state: 'signed-out'; notice?: string }
  | { state: 'signed-in'; me: MeResponse; patLimit: number | undefined };

function Page({ route, me, patLimit }: { route: Route; me: MeResponse; patLimit?: number }) {
  if (route === 'users')
    return isAdmin(me) ? <UsersPage meId={me.user.id} /> : <NotAllowed title="Users" />;
  if (route === 'service-accounts')
    return isAdmin(me) ? <ServiceAccountsPage /> : <NotAllowed title="Service accounts" />;
  if (route === 'events') return isAdmin(me) ? <EventsPage /> : <NotAllowed title="Events" />;
  if (route === 'tokens') return isAdmin(me) ? <AdminTokensPage /> : <NotAllowed title="Tokens" />;
  if (route === 'webhooks') return isAdmin(me) ? <WebhooksPage /> : <NotAllowed title="Webhooks" />;
  return <ProfilePage me={me} patLimit={patLimit} />;
}

export function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session>({ state: 'loading' });

  // Who is signed in decides between the login page and the app; 401 means nobody.
  const refresh = useCallback(async () => {
    try {
      const me = await api<MeResponse>('GET', '/api/admin/user');
      // Without it the page still works; it only learns the limit from a refused create.
      const uiConfig = await api<UiConfig>('GET', '/api/admin/ui-config').catch(() => undefined);
      setSession({ state: 'signed-in', me, patLimit: uiConfig?.patLimit });
    } catch (failure) {
      if (failure instanceof ApiFailure && failure.status === 401)
        setSession({ state: 'signed-out' });
      else setSession({ state: 'unreachable', error: failure });
    }
  }, []);

  useEffect(() => {
    setSessionEndedListener(() =>
      setSession((current) =>
        current.state === 'signed-in'
          ? { state: 'signed-out', notice: 'Your session has ended. Sign in again.' }
          : current,
      ),
    );
    void refresh();
  }, [refresh]);

  // Moving to another page moves focus to its heading, so a screen reader announces it and
  // Tab continues from the top of the new page.
  const firstRoute = useRef(true);
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [route]);

  const logout = async () => {
    // Signed out locally whatever the server says; the cookie is HttpOnly, only it can drop it.
    await api('POST', '/logout').catch(() => undefined);
    setSession({ state: 'signed-out', notice: 'You are signed out.' });
  };

  switch (session.state) {
    case 'loading':
      return (
        <main id="main" class="login">
          <p role="status">Loading…</p>
        </main>
      );
    case 'unreachable':
      return (
        <main id="main" class="login stack">
          <h1>Unlatch</h1>
          <ErrorMessage error={session.error} />
          <button type="button" onClick={() => void refresh()}>
            Try again
          </button>
        </main>
      );
    case 'signed-out':
      return <LoginPage notice={session.notice} onSignedIn={refresh} />;
    case 'signed-in':
      return (
        <Layout me={session.me} route={route} onLogout={logout}>
          <Page route={route} me={session.me} patLimit={session.patLimit} />
        </Layout>
      );
  }
}
