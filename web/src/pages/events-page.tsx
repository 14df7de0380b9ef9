import { useState } from 'preact/hooks';
import { api } from '../api';
import { LoadStatus } from '../components/load-status';
import { formatDateTime } from '../format';
import type { AuditEvent, EventsPage as EventsAnswer } from '../types';
import { useResource } from '../use-resource';

const PAGE_SIZE = 20;

const EVENT_TITLES: Readonly<Record<string, string>> = {
  'pat-created': 'Token created',
  'pat-deleted': 'Token deleted',
  'pat-rotated': 'Token rotated',
  'user-created': 'User created',
  'user-updated': 'User changed',
  'user-deleted': 'User deleted',
};

/** `user-password-reset` becomes "User password reset" for types this page does not know. */
function eventTitle(type: string): string {
  const known = EVENT_TITLES[type];
  if (known) return known;
  const words = type.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `expiresAt` reads as "expires at". */
function showKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function showValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') {
    // Timestamps in event data read better in the user's own format.
    return /^\d{4}-\d{2}-\d{2}T/.test(value) ? formatDateTime(value) : value;
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function EventData({ data }: { data: AuditEvent['data'] }) {
  const entries = data ? Object.entries(data) : [];
  if (entries.length === 0) return <span class="muted">—</span>;
  return (
    <dl class="event-data">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{showKey(key)}</dt>
          <dd>{showValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function EventsPage() {
  const [offset, setOffset] = useState(0);
  // The page shown stays until the next one is in; a slow answer for a page the user has
  // already left is dropped (useResource keeps only the newest).
  const resource = useResource(
    () => api<EventsAnswer>('GET', `/api/admin/events?limit=${PAGE_SIZE}&offset=${offset}`),
    [offset],
  );
  const answer = resource.data;

  const total = answer?.totalEvents ?? 0;
  const shown = answer?.events.length ?? 0;

  return (
    <>
      <h1 tabIndex={-1}>Events</h1>
      <p class="muted">What happened on this server, newest first.</p>
      <LoadStatus resource={resource} what="events" />
      {answer !== undefined && shown === 0 && <p class="empty">No events yet.</p>}
      {answer !== undefined && shown > 0 && (
        <table class="cards">
          <caption class="visually-hidden">Events</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {answer.events.map((event) => (
              <tr key={event.id}>
                <td data-label="When">
                  <time dateTime={event.createdAt}>{formatDateTime(event.createdAt)}</time>
                </td>
                <th scope="row" data-label="What">
                  {eventTitle(event.type)} <code class="muted">{event.type}</code>
                </th>
                <td data-label="Who">
                  {event.createdBy}
                  {event.ip && <div class="muted">from {event.ip}</div>}
                </td>
                <td data-label="Details">
                  <EventData data={event.data} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {answer !== undefined && (
        <nav class="pager" aria-label="Event pages">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
          >
            ← Newer
          </button>
          <p>
            {shown === 0 ? 'None' : `${offset + 1}–${offset + shown}`} of {total}
          </p>
          <button
            type="button"
            disabled={offset + shown >= total}
            onClick={() => setOffset(offset + PAGE_SIZE)}
          >
            Older →
          </button>
        </nav>
      )}
    </>
  );
}
