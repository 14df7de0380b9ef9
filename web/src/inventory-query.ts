// The Admins' token filters as the inventory's query string: pure, tested without a browser.

const PAGE_SIZE = 100;

export interface Filters {
  q: string;
  owner: string;
  accountType: '' | 'User' | 'Service';
  expired: '' | 'true' | 'false';
  neverUsed: '' | 'true' | 'false';
  expiresBefore: string;
  seenBefore: string;
}

export const NO_FILTERS: Filters = {
  q: '',
  owner: '',
  accountType: '',
  expired: '',
  neverUsed: '',
  expiresBefore: '',
  seenBefore: '',
};

/**
 * The inventory's query string. `instant` turns a date field into the instant meant (the
 * page passes the end of that day where the Admin is); no import, so tests need no bundler.
 */
export function inventoryQuery(
  filters: Filters,
  instant: (date: string) => Date | undefined,
  next?: string,
): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (filters.q.trim() !== '') params.set('q', filters.q.trim());
  if (filters.owner.trim() !== '') params.set('owner', filters.owner.trim());
  if (filters.accountType !== '') params.set('accountType', filters.accountType);
  if (filters.expired !== '') params.set('expired', filters.expired);
  if (filters.neverUsed !== '') params.set('neverUsed', filters.neverUsed);
  for (const key of ['expiresBefore', 'seenBefore'] as const) {
    const date = instant(filters[key]);
    if (date) params.set(key, date.toISOString());
  }
  if (next) params.set('next', next);
  return `/api/admin/tokens?${params.toString()}`;
}
