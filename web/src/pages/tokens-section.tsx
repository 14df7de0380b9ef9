import { useState } from 'preact/hooks';
import { type ApiFailure, api } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { LoadStatus } from '../components/load-status';
import { isPast } from '../format';
import type { CreatedPat, Pat } from '../types';
import { useResource } from '../use-resource';
import { CreateTokenDialog } from './create-token-dialog';
import { RotateTokenDialog } from './rotate-token-dialog';
import { SecretDialog } from './secret-dialog';
import { TokenTable } from './token-table';

const TOKENS_URL = '/api/admin/user/tokens';

type Open =
  | { kind: 'none' }
  | { kind: 'create' }
  | { kind: 'secret'; created: CreatedPat }
  | { kind: 'delete'; pat: Pat }
  | { kind: 'rotate'; pat: Pat };

export function TokensSection({ patLimit }: { patLimit: number | undefined }) {
  const resource = useResource(
    () => api<{ pats: Pat[] }>('GET', TOKENS_URL).then((answer) => answer.pats),
    [],
  );
  const { data: pats, reload: load } = resource;
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  // The server's own refusal at the limit: kept until a token is deleted, so that the reason
  // stays visible even when this page does not know the limit.
  const [denied, setDenied] = useState<string>();
  const [status, setStatus] = useState('');

  // Expired tokens, and rotated ones living out their overlap, do not count against the
  // limit (the server's rule).
  const active = pats?.filter(
    (pat) =>
      pat.expiryWarning !== 'expired' && !isPast(pat.expiresAt) && pat.rotatedTo === undefined,
  );
  const atLimit = patLimit !== undefined && active !== undefined && active.length >= patLimit;
  const limitReason = atLimit
    ? `You have ${active.length} active tokens, the most allowed (${patLimit}). Delete one to create another.`
    : denied;

  const close = () => setOpen({ kind: 'none' });

  return (
    <section aria-labelledby="tokens-heading" class="stack">
      <div class="section-head">
        <h2 id="tokens-heading">Personal API tokens</h2>
        <button
          type="button"
          class="primary"
          disabled={limitReason !== undefined || pats === undefined}
          aria-describedby={limitReason ? 'token-limit-reason' : undefined}
          onClick={() => setOpen({ kind: 'create' })}
        >
          Create token
        </button>
      </div>
      <p class="muted">
        A token acts as you, with your role, on the Unleash Admin API. Send it in the Authorization
        header.
        {patLimit !== undefined && active !== undefined && (
          <>
            {' '}
            {active.length} of {patLimit} active tokens in use.
          </>
        )}
      </p>
      {limitReason && (
        <p id="token-limit-reason" class="alert alert-warning">
          {limitReason}
        </p>
      )}
      <p class="status" role="status">
        {status}
      </p>
      <LoadStatus resource={resource} what="tokens" />
      {pats !== undefined && (
        <TokenTable
          pats={pats}
          onDelete={(pat) => setOpen({ kind: 'delete', pat })}
          onRotate={(pat) => setOpen({ kind: 'rotate', pat })}
        />
      )}

      {open.kind === 'create' && (
        <CreateTokenDialog
          onClose={close}
          onCreated={(created) => {
            setOpen({ kind: 'secret', created });
            setStatus(`Token "${created.description}" created.`);
            void load();
          }}
          onDenied={(failure: ApiFailure) => {
            setDenied(failure.message);
            void load();
          }}
        />
      )}
      {open.kind === 'secret' && <SecretDialog created={open.created} onClose={close} />}
      {open.kind === 'rotate' && (
        <RotateTokenDialog
          pat={open.pat}
          onClose={close}
          onRotated={(created) => {
            setOpen({ kind: 'secret', created });
            setStatus(`Token "${created.description}" rotated.`);
            void load();
          }}
        />
      )}
      {open.kind === 'delete' && (
        <ConfirmDialog
          title="Delete this token?"
          confirmLabel="Delete token"
          onClose={close}
          onConfirm={async () => {
            await api('DELETE', `${TOKENS_URL}/${open.pat.id}`);
            setDenied(undefined);
            setStatus(`Token "${open.pat.description}" deleted.`);
            close();
            await load();
          }}
        >
          <p>
            <strong>{open.pat.description}</strong> stops working at once, for every program that
            uses it. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
