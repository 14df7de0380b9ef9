import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { LoadStatus } from '../components/load-status';
import { endOfLocalDay, formatDateTime, isPast } from '../format';
import { type Filters, inventoryQuery, NO_FILTERS } from '../inventory-query';
import type { InventoryPage, InventoryToken } from '../types';
import { useResource } from '../use-resource';

function ownerName(token: InventoryToken): string {
  return token.owner.name || token.owner.username || `User ${token.owner.id}`;
}

export function AdminTokensPage() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // The pages shown so far, as one: "Show more" appends the next page and takes its cursor.
  const resource = useResource(
    () => api<InventoryPage>('GET', inventoryQuery(filters, endOfLocalDay)),
    [filters],
  );
  const tokens = resource.data?.tokens;
  const next = resource.data?.next ?? null;
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState('');

  const showMore = (after: string) =>
    resource.reload(async () => {
      const page = await api<InventoryPage>('GET', inventoryQuery(filters, endOfLocalDay, after));
      return { tokens: [...(tokens ?? []), ...page.tokens], next: page.next };
    });

  useEffect(() => {
    setSelected(new Set());
  }, [filters]);

  const set =
    <K extends keyof Filters>(key: K) =>
    (event: Event) =>
      setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value });

  const toggle = (id: number) => {
    const copy = new Set(selected);
    if (copy.has(id)) copy.delete(id);
    else copy.add(id);
    setSelected(copy);
  };
  const allShown =
    tokens !== undefined && tokens.length > 0 && tokens.every((t) => selected.has(t.id));

  return (
    <>
      <h1 tabIndex={-1}>Tokens</h1>
      <p class="muted">Every personal access token on this server, newest first.</p>
      <form
        class="filters"
        aria-label="Filter tokens"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters(draft);
        }}
      >
        <label>
          Description contains
          <input type="search" value={draft.q} onInput={set('q')} maxLength={200} />
        </label>
        <label>
          Owner id
          <input type="text" inputMode="numeric" value={draft.owner} onInput={set('owner')} />
        </label>
        <label>
          Account
          <select value={draft.accountType} onChange={set('accountType')}>
            <option value="">Any</option>
            <option value="User">User</option>
            <option value="Service">Service account</option>
          </select>
        </label>
        <label>
          State
          <select value={draft.expired} onChange={set('expired')}>
            <option value="">Any</option>
            <option value="false">Live</option>
            <option value="true">Expired</option>
          </select>
        </label>
        <label>
          Used
          <select value={draft.neverUsed} onChange={set('neverUsed')}>
            <option value="">Any</option>
            <option value="true">Never used</option>
            <option value="false">Used</option>
          </select>
        </label>
        <label>
          Expires before
          <input type="date" value={draft.expiresBefore} onInput={set('expiresBefore')} />
        </label>
        <label>
          Last used before
          <input type="date" value={draft.seenBefore} onInput={set('seenBefore')} />
        </label>
        <div class="actions">
          <button
            type="button"
            onClick={() => {
              setDraft(NO_FILTERS);
              setFilters(NO_FILTERS);
            }}
          >
            Clear
          </button>
          <button type="submit" class="primary">
            Apply filters
          </button>
        </div>
      </form>
      <div class="section-head">
        <p class="status" role="status">
          {status}
        </p>
        <button
          type="button"
          class="danger"
          disabled={selected.size === 0}
          onClick={() => setConfirming(true)}
        >
          Revoke selected ({selected.size})
        </button>
      </div>
      <LoadStatus resource={resource} what="tokens" retry={false} />
      {tokens !== undefined && tokens.length === 0 && <p class="empty">No tokens match.</p>}
      {tokens !== undefined && tokens.length > 0 && (
        <table class="cards">
          <caption class="visually-hidden">All tokens</caption>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all shown tokens"
                  checked={allShown}
                  onChange={() =>
                    setSelected(allShown ? new Set() : new Set(tokens.map((t) => t.id)))
                  }
                />
              </th>
              <th scope="col">Description</th>
              <th scope="col">Owner</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td data-label="Select">
                  <input
                    type="checkbox"
                    aria-label={`Select token ${token.description} of ${ownerName(token)}`}
                    checked={selected.has(token.id)}
                    onChange={() => toggle(token.id)}
                  />
                </td>
                <th scope="row" data-label="Description">
                  {token.description}
                  {token.rotatedTo !== null && (
                    <>
                      {' '}
                      <span class="badge badge-warning">Rotated</span>
                    </>
                  )}
                </th>
                <td data-label="Owner">
                  {ownerName(token)} <span class="muted">(#{token.owner.id})</span>
                </td>
                <td data-label="Created">
                  <time dateTime={token.createdAt}>{formatDateTime(token.createdAt)}</time>
                </td>
                <td data-label="Expires">
                  <time dateTime={token.expiresAt}>{formatDateTime(token.expiresAt)}</time>{' '}
                  {isPast(token.expiresAt) && <span class="badge badge-danger">⚠ Expired</span>}
                </td>
                <td data-label="Last seen">
                  {token.seenAt === null ? (
                    'never'
                  ) : (
                    <time dateTime={token.seenAt}>{formatDateTime(token.seenAt)}</time>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null && (
        <nav class="pager" aria-label="Token pages">
          <button type="button" onClick={() => void showMore(next)}>
            Show more
          </button>
        </nav>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Revoke ${selected.size} tokens?`}
          confirmLabel="Revoke tokens"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            const ids = [...selected];
            const answer = await api<{ revoked: number[]; notFound: number[] }>(
              'POST',
              '/api/admin/tokens/revoke',
              { ids, ...(reason.trim() !== '' && { reason: reason.trim() }) },
            );
            setConfirming(false);
            setReason('');
            setSelected(new Set());
            await resource.reload();
            setStatus(`${answer.revoked.length} tokens revoked.`);
          }}
        >
          <p>They stop working at once, for every program that uses them. This cannot be undone.</p>
          <label class="stack">
            Reason (kept in the audit log)
            <input
              type="text"
              value={reason}
              maxLength={1000}
              onInput={(event) => setReason(event.currentTarget.value)}
            />
          </label>
        </ConfirmDialog>
      )}
    </>
  );
}
