import { useState } from 'preact/hooks';
import { api } from '../api';
import { FormDialog } from '../components/form-dialog';
import type { CreatedWebhook } from '../types';
import { WEBHOOK_EVENT_TYPES } from '../types';
import { useSubmit } from '../use-submit';

interface CreateWebhookDialogProps {
  onClose: () => void;
  onCreated: (webhook: CreatedWebhook) => void;
}

export function CreateWebhookDialog({ onClose, onCreated }: CreateWebhookDialogProps) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [all, setAll] = useState(false);
  const [events, setEvents] = useState<string[]>(['pat-leaked']);
  const submission = useSubmit();

  const toggle = (type: string, on: boolean) =>
    setEvents((current) => (on ? [...current, type] : current.filter((t) => t !== type)));

  const submit = () =>
    submission.run(async () => {
      // The server checks everything (scheme, length, event names, private addresses).
      const created = await api<CreatedWebhook>('POST', '/api/admin/webhooks', {
        url: url.trim(),
        events: all ? ['*'] : events,
        description: description.trim(),
      });
      onCreated(created);
    });

  return (
    <FormDialog
      title="Create a webhook"
      onClose={onClose}
      submission={submission}
      onSubmit={submit}
      submitLabel="Create webhook"
      busyLabel="Creating…"
    >
      <div class="field">
        <label for="webhook-url">URL</label>
        <input
          id="webhook-url"
          type="url"
          required
          maxLength={2000}
          autocomplete="off"
          aria-describedby="webhook-url-hint"
          value={url}
          onInput={(event) => setUrl(event.currentTarget.value)}
        />
        <p id="webhook-url-hint" class="hint">
          Where events are POSTed, signed: https://… (redirects are not followed).
        </p>
      </div>
      <div class="field">
        <label for="webhook-description">Description</label>
        <input
          id="webhook-description"
          maxLength={500}
          autocomplete="off"
          value={description}
          onInput={(event) => setDescription(event.currentTarget.value)}
        />
      </div>
      <fieldset>
        <legend>Events</legend>
        <label class="choice">
          <input
            type="checkbox"
            checked={all}
            onChange={(event) => setAll(event.currentTarget.checked)}
          />
          All events
        </label>
        {!all && (
          <div class="choices">
            {WEBHOOK_EVENT_TYPES.map((type) => (
              <label key={type} class="choice">
                <input
                  type="checkbox"
                  checked={events.includes(type)}
                  onChange={(event) => toggle(type, event.currentTarget.checked)}
                />
                {type}
              </label>
            ))}
          </div>
        )}
      </fieldset>
    </FormDialog>
  );
}
