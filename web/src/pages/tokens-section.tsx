import { LoadStatus } from '../components/load-status';
import { isPast } from '../format';
import { TokenDialogs, useTokenList } from './token-dialogs';
import { TokenTable } from './token-table';

export function TokensSection({ patLimit }: { patLimit: number | undefined }) {
  // `denied`: the server's own refusal at the limit, kept until a token is deleted, so that
  // the reason stays visible even when this page does not know the limit.
  const list = useTokenList('/api/admin/user/tokens');
  const { resource, setOpen, denied, status } = list;
  const pats = resource.data;

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

      <TokenDialogs list={list} />
    </section>
  );
}
