import { CopyField } from '../components/copy-field';
import { Dialog } from '../components/dialog';
import type { CreatedWebhook } from '../types';

/**
 * The only place the signing secret appears, as a token's: in this dialog's props and nowhere
 * else (no storage, no URL); closing the dialog drops it.
 */
export function WebhookSecretDialog({
  created,
  onClose,
}: {
  created: CreatedWebhook;
  onClose: () => void;
}) {
  return (
    <Dialog title="Your webhook's signing secret" onClose={onClose}>
      <p class="alert alert-warning">
        <strong>Copy the secret now. It will not be shown again.</strong> The receiver needs it to
        check the <code>X-Unlatch-Signature</code> of each delivery. If you lose it, create a new
        webhook and delete this one.
      </p>
      <p>
        Deliveries to <strong>{created.url}</strong> are signed with:
      </p>
      <CopyField label="Signing secret" value={created.secret} />
      <div class="actions">
        <button type="button" class="primary" onClick={onClose}>
          I have copied it
        </button>
      </div>
    </Dialog>
  );
}
