import type { ComponentChildren } from 'preact';
import { href, type Route } from '../router';
import type { MeResponse } from '../types';
import { displayName, isAdmin, roleName } from '../types';

interface LayoutProps {
  me: MeResponse;
  route: Route;
  onLogout: () => void;
  children: ComponentChildren;
}

function NavLink({ to, current, label }: { to: Route; current: Route; label: string }) {
  return (
    <a href={href(to)} aria-current={to === current ? 'page' : undefined}>
      {label}
    </a>
  );
}

export function Layout({ me, route, onLogout, children }: LayoutProps) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Unlatch</span>
        <nav aria-label="Main">
          <NavLink to="profile" current={route} label="Profile" />
          {/* Admin pages are not offered to others; the server refuses them anyway. */}
          {isAdmin(me) && <NavLink to="users" current={route} label="Users" />}
          {isAdmin(me) && (
            <NavLink to="service-accounts" current={route} label="Service accounts" />
          )}
          {isAdmin(me) && <NavLink to="tokens" current={route} label="Tokens" />}
          {isAdmin(me) && <NavLink to="events" current={route} label="Events" />}
          {isAdmin(me) && <NavLink to="webhooks" current={route} label="Webhooks" />}
        </nav>
        <div class="account">
          <span>
            {displayName(me.user)} <span class="muted">({roleName(me.user.rootRole)})</span>
          </span>
          <button type="button" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} class="content stack">
        {children}
      </main>
    </>
  );
}
