import { api } from '../api';
import { LoadStatus } from '../components/load-status';
import { formatDateTime } from '../format';
import type { Webhook, WebhookDelivery } from '../types';
import { useResource } from '../use-resource';

function statusBadge(delivery: WebhookDelivery) {
  if (delivery.status === 'delivered') return <span class="badge">Delivered</span>;
  if (delivery.status === 'failed') return <span class="badge badge-danger">Failed</span>;
  return <span class="badge badge-warning">Pending</span>;
}

/** The recent deliveries of one webhook, with each one's last answer and next try. */
export function WebhookDeliveries({ webhook, version }: { webhook: Webhook; version: number }) {
  // `version` is bumped by the page after a test is sent: the list is stale then.
  const resource = useResource(
    () =>
      api<{ deliveries: WebhookDelivery[] }>(
        'GET',
        `/api/admin/webhooks/${webhook.id}/deliveries?limit=20`,
      ).then((answer) => answer.deliveries),
    [webhook.id, version],
  );
  const { data: deliveries, reload: load } = resource;

  return (
    <section class="stack" aria-labelledby="deliveries-title">
      <div class="section-head">
        <h2 id="deliveries-title">Recent deliveries to {webhook.url}</h2>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <LoadStatus resource={resource} what="deliveries" retry={false} />
      {deliveries?.length === 0 && <p class="empty">No deliveries yet.</p>}
      {deliveries !== undefined && deliveries.length > 0 && (
        <table class="cards">
          <caption class="visually-hidden">Recent deliveries</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Next attempt</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id}>
                <th scope="row" data-label="Event">
                  {delivery.eventType}
                  <div class="muted">
                    <time dateTime={delivery.createdAt}>{formatDateTime(delivery.createdAt)}</time>
                  </div>
                </th>
                <td data-label="Status">{statusBadge(delivery)}</td>
                <td data-label="Attempts">{delivery.attempts}</td>
                <td data-label="Last answer">
                  {delivery.lastStatus ?? '—'}
                  {delivery.lastError && <div class="muted">{delivery.lastError}</div>}
                </td>
                <td data-label="Next attempt">
                  {delivery.nextAttemptAt ? (
                    <time dateTime={delivery.nextAttemptAt}>
                      {formatDateTime(delivery.nextAttemptAt)}
                    </time>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
