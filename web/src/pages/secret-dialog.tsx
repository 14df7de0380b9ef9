import { CopyField } from '../components/copy-field';
import { Dialog } from '../components/dialog';
import type { CreatedPat } from '../types';

/**
 * The only place the secret appears. It lives in this dialog's props and nowhere else (no
 * storage, no URL); closing the dialog drops it.
 */
export function SecretDialog({ created, onClose }: { created: CreatedPat; onClose: () => void }) {
  // Single quotes keep the shell from reading anything in the token or URL.
  const curl = `curl -H 'Authorization: ${created.secret}' '${window.location.origin}/api/admin/user'`;
  return (
    <Dialog title="Your new token" onClose={onClose}>
      <p class="alert alert-warning">
        <strong>Copy the token now. It will not be shown again:</strong> Unlatch keeps only a
        fingerprint of it. If you lose it, delete it and create another.
      </p>
      <p>
        Token <strong>{created.description}</strong>, ready to use.
      </p>
      <CopyField label="Token" value={created.secret} />
      <CopyField label="Try it with curl" value={curl} rows={3} />
      <div class="actions">
        <button type="button" class="primary" onClick={onClose}>
          I have copied it
        </button>
      </div>
    </Dialog>
  );
}
