import { DeleteButton } from '../components/delete-button';
import { UsageSparkline } from '../components/sparkline';
import { formatDateTime, isPast } from '../format';
import { FULL_ACCESS, READ_ONLY, scopeLabel } from '../scopes';
import type { Pat } from '../types';

/** A token's scopes as compact chips, and the audiences it is limited to, if any. */
export function TokenAccess({ pat }: { pat: Pat }) {
  const { scopes, audiences } = pat;
  return (
    <>
      <ul class="chips chips-compact" aria-label="Scopes">
        {scopes.map((scope) => (
          <li
            key={scope}
            class={
              scope === FULL_ACCESS
                ? 'chip chip-full'
                : scope === READ_ONLY
                  ? 'chip chip-read'
                  : 'chip'
            }
          >
            {scopeLabel(scope)}
          </li>
        ))}
      </ul>
      {audiences.length > 0 && <div class="muted audiences">For: {audiences.join(', ')}</div>}
    </>
  );
}

function ExpiryMarker({ pat }: { pat: Pat }) {
  const warning = pat.expiryWarning ?? (isPast(pat.expiresAt) ? 'expired' : undefined);
  if (pat.rotatedTo !== undefined && warning !== 'expired')
    return <span class="badge badge-warning">Rotated: ends with its overlap</span>;
  if (warning === 'expired') return <span class="badge badge-danger">⚠ Expired</span>;
  if (warning === 'expires-soon') return <span class="badge badge-warning">⚠ Expires soon</span>;
  return null;
}

interface TokenTableProps {
  pats: readonly Pat[];
  onDelete: (pat: Pat) => void;
  caption?: string;
  empty?: string;
  /** Offers Rotate on each token that can be rotated (left out: no such action). */
  onRotate?: (pat: Pat) => void;
  /** Where a token's usage is read: the owner's route by default. */
  usageUrl?: (pat: Pat) => string;
}

const ownUsage = (pat: Pat) => `/api/admin/user/tokens/${pat.id}/usage`;

/** A rotated token is rotated once; an expired one is better replaced by a new token. */
function canRotate(pat: Pat): boolean {
  return pat.rotatedTo === undefined && pat.expiryWarning !== 'expired' && !isPast(pat.expiresAt);
}

export function TokenTable({
  pats,
  onDelete,
  onRotate,
  usageUrl = ownUsage,
  caption = 'Your personal API tokens',
  empty = 'You have no tokens yet.',
}: TokenTableProps) {
  if (pats.length === 0) return <p class="empty">{empty}</p>;
  return (
    <table class="cards">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Description</th>
          <th scope="col">Access</th>
          <th scope="col">Created</th>
          <th scope="col">Expires</th>
          <th scope="col">Last seen</th>
          <th scope="col">Use, 90 days</th>
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
            <td data-label="Access">
              <TokenAccess pat={pat} />
            </td>
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
            <td data-label="Use, 90 days">
              <UsageSparkline url={usageUrl(pat)} label={`Use of ${pat.description}`} />
            </td>
            <td class="row-actions">
              {onRotate && canRotate(pat) && (
                <button type="button" onClick={() => onRotate(pat)}>
                  Rotate<span class="visually-hidden"> token {pat.description}</span>
                </button>
              )}{' '}
              <DeleteButton what={`token ${pat.description}`} onClick={() => onDelete(pat)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
