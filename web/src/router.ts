import { useEffect, useState } from 'preact/hooks';

// Hash routes (`/#/profile`): the server serves one index.html at `/` and needs no fallback
// route for deep links.

export type Route = 'profile' | 'users' | 'service-accounts' | 'tokens' | 'webhooks' | 'events';

const ROUTES: readonly Route[] = [
  'profile',
  'users',
  'service-accounts',
  'tokens',
  'webhooks',
  'events',
];

function parse(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').split('?')[0];
  return ROUTES.find((route) => route === path) ?? 'profile';
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parse(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function href(route: Route): string {
  return `#/${route}`;
}
