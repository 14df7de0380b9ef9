import { formatDateTime, isPast } from '../format';
import type { Pat } from '../types';

function ExpiryMarker({ pat }: { pat: Pat }) {
  const warning = pat.expiryWarning ?? (isPast(pat.expiresAt) ? 'expired' : undefined);
  if (warning === 'expired') return <span class="badge badge-danger">⚠ Expired</span>;
  if (warning === 'expires-soon') return <span class="badge badge-warning">⚠ Expires soon</span>;
  return null;
}

interface TokenTableProps {
  pats: readonly Pat[];
  onDelete: (pat: Pat) => void;
}

export function TokenTable({ pats, onDelete }: TokenTableProps) {
  if (pats.length === 0) return <p class="empty">You have no tokens yet.</p>;
  return (
    <table class="cards">
      <caption class="visually-hidden">Your personal API tokens</caption>
      <thead>
        <tr>
          <th scope="col">Description</th>
          <th scope="col">Created</th>
          <th scope="col">Expires</th>
          <th scope="col">Last seen</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {pats.map((pat) => (
          <tr key={pat.id}>
            <th scope="row" data-label="Description">
              {pat.description}
            </th>
            <td data-label="Created">
              <time dateTime={pat.createdAt}>{formatDateTime(pat.createdAt)}</time>
            </td>
            <td data-label="Expires">
              <time dateTime={pat.expiresAt}>{formatDateTime(pat.expiresAt)}</time>{' '}
              <ExpiryMarker pat={pat} />
            </td>
            <td data-label="Last seen">
              {pat.seenAt === null ? (
                'never'
              ) : (
                <time dateTime={pat.seenAt}>{formatDateTime(pat.seenAt)}</time>
              )}
            </td>
            <td class="row-actions">
              <button type="button" class="danger" onClick={() => onDelete(pat)}>
                Delete<span class="visually-hidden"> token {pat.description}</span>
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
