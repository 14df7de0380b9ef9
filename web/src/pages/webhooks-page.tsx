import { useState } from 'preact/hooks';
import { api } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DeleteButton } from '../components/delete-button';
import { ActionStatus } from '../components/action-status';
import { LoadStatus } from '../components/load-status';
import { formatDateTime } from '../format';
import type { CreatedWebhook, Webhook } from '../types';
import { useAction } from '../use-action';
import { useResource } from '../use-resource';
import { CreateWebhookDialog } from './create-webhook-dialog';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhookSecretDialog } from './webhook-secret-dialog';

const WEBHOOKS_URL = '/api/admin/webhooks';

type Open =
  | { kind: 'none' }
  | { kind: 'create' }
  | { kind: 'secret'; created: CreatedWebhook }
  | { kind: 'delete'; webhook: Webhook };

function label(webhook: Webhook): string {
  return webhook.description || webhook.url;
}

export function WebhooksPage() {
  const resource = useResource(
    () => api<{ webhooks: Webhook[] }>('GET', WEBHOOKS_URL).then((answer) => answer.webhooks),
    [],
  );
  const { data: webhooks, reload: load } = resource;
  const action = useAction();
  const { setStatus } = action;
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [shown, setShown] = useState<number>();
  // Bumped after a test is sent, so the deliveries list reloads.
  const [version, setVersion] = useState(0);

  const sendTest = (webhook: Webhook) =>
    action.act(async () => {
      await api('POST', `${WEBHOOKS_URL}/${webhook.id}/test`);
      setStatus(`A test event is on its way to ${label(webhook)}.`);
      setShown(webhook.id);
      // Give the sender a moment, then show how it went.
      setTimeout(() => setVersion((v) => v + 1), 1500);
    });

  const close = () => setOpen({ kind: 'none' });
  const selected = webhooks?.find((webhook) => webhook.id === shown);

  return (
    <>
      <div class="section-head">
        <h1 tabIndex={-1}>Webhooks</h1>
        <button type="button" class="primary" onClick={() => setOpen({ kind: 'create' })}>
          Create webhook
        </button>
      </div>
      <p class="hint">
        Events are POSTed, signed with the webhook's secret, to each URL that subscribes to them,
        and retried for 24 hours until a 2xx answer.
      </p>
      <ActionStatus action={action} />
      <LoadStatus resource={resource} what="webhooks" />
      {webhooks?.length === 0 && <p class="empty">No webhooks yet.</p>}
      {webhooks !== undefined && webhooks.length > 0 && (
        <table class="cards">
          <caption class="visually-hidden">Webhooks</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {webhooks.map((webhook) => (
              <tr key={webhook.id}>
                <th scope="row" data-label="URL">
                  {webhook.url}
                  {webhook.description && <div class="muted">{webhook.description}</div>}
                </th>
                <td data-label="Events">
                  {webhook.events.includes('*') ? 'All events' : webhook.events.join(', ')}
                </td>
                <td data-label="Created">
                  <time dateTime={webhook.createdAt}>{formatDateTime(webhook.createdAt)}</time>
                </td>
                <td class="row-actions">
                  <button type="button" onClick={() => setShown(webhook.id)}>
                    Deliveries<span class="visually-hidden"> of {label(webhook)}</span>
                  </button>{' '}
                  <button type="button" onClick={() => void sendTest(webhook)}>
                    Send test<span class="visually-hidden"> to {label(webhook)}</span>
                  </button>{' '}
                  <DeleteButton
                    what={`webhook ${label(webhook)}`}
                    onClick={() => setOpen({ kind: 'delete', webhook })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <WebhookDeliveries webhook={selected} version={version} />}

      {open.kind === 'create' && (
        <CreateWebhookDialog
          onClose={close}
          onCreated={(created) => {
            setOpen({ kind: 'secret', created });
            setStatus(`Webhook ${label(created)} created.`);
            void load();
          }}
        />
      )}
      {open.kind === 'secret' && <WebhookSecretDialog created={open.created} onClose={close} />}
      {open.kind === 'delete' && (
        <ConfirmDialog
          title="Delete this webhook?"
          confirmLabel="Delete webhook"
          onClose={close}
          onConfirm={async () => {
            await api('DELETE', `${WEBHOOKS_URL}/${open.webhook.id}`);
            if (shown === open.webhook.id) setShown(undefined);
            close();
            await load();
            setStatus(`Webhook ${label(open.webhook)} deleted.`);
          }}
        >
          <p>
            Nothing more is sent to <strong>{open.webhook.url}</strong>, and deliveries still
            waiting to be retried are dropped. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
