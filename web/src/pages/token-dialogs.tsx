import { useState } from 'preact/hooks';
import { api } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import type { CreatedPat, Pat } from '../types';
import { type Resource, useResource } from '../use-resource';
import { CreateTokenDialog } from './create-token-dialog';
import { RotateTokenDialog } from './rotate-token-dialog';
import { SecretDialog } from './secret-dialog';

export type TokenOpen =
  | { kind: 'none' }
  | { kind: 'create' }
  | { kind: 'secret'; created: CreatedPat }
  | { kind: 'delete'; pat: Pat }
  | { kind: 'rotate'; pat: Pat };

export interface TokenList {
  /** Where the tokens are listed, created (POST) and deleted (DELETE url/id). */
  url: string;
  resource: Resource<Pat[]>;
  open: TokenOpen;
  setOpen: (open: TokenOpen) => void;
  /** The server's own refusal at the limit: kept until a token is deleted. */
  denied: string | undefined;
  setDenied: (denied: string | undefined) => void;
  /** What the last change did, for the status line. */
  status: string;
  setStatus: (status: string) => void;
}

/** One owner's tokens and the state of their dialogs: the user's own, or a service account's. */
export function useTokenList(url: string): TokenList {
  const resource = useResource(
    () => api<{ pats: Pat[] }>('GET', url).then((answer) => answer.pats),
    [url],
  );
  const [open, setOpen] = useState<TokenOpen>({ kind: 'none' });
  const [denied, setDenied] = useState<string>();
  const [status, setStatus] = useState('');
  return { url, resource, open, setOpen, denied, setDenied, status, setStatus };
}

interface TokenDialogsProps {
  list: TokenList;
  /** Whose tokens, in the create dialog's title and hint and the delete question; none: yours. */
  owner?: string;
  /** A token was created or deleted (the owner's token count is stale). */
  onChanged?: () => void;
}

/** The create, secret, rotate and delete dialogs of a token list; whichever is open. */
export function TokenDialogs({ list, owner, onChanged }: TokenDialogsProps) {
  const { url, open, setOpen, setDenied, setStatus } = list;
  const reload = () => list.resource.reload();
  const close = () => setOpen({ kind: 'none' });

  if (open.kind === 'create')
    return (
      <CreateTokenDialog
        url={url}
        {...(owner !== undefined && {
          title: `Create a token for ${owner}`,
          owner: `the tokens of ${owner}`,
        })}
        onClose={close}
        onCreated={(created) => {
          setOpen({ kind: 'secret', created });
          setStatus(`Token "${created.description}" created.`);
          void reload();
          onChanged?.();
        }}
        onDenied={(failure) => {
          setDenied(failure.message);
          void reload();
        }}
      />
    );
  if (open.kind === 'secret') return <SecretDialog created={open.created} onClose={close} />;
  if (open.kind === 'rotate')
    return (
      <RotateTokenDialog
        pat={open.pat}
        onClose={close}
        onRotated={(created) => {
          setOpen({ kind: 'secret', created });
          setStatus(`Token "${created.description}" rotated.`);
          void reload();
        }}
      />
    );
  if (open.kind === 'delete')
    return (
      <ConfirmDialog
        title="Delete this token?"
        confirmLabel="Delete token"
        onClose={close}
        onConfirm={async () => {
          await api('DELETE', `${url}/${open.pat.id}`);
          setDenied(undefined);
          close();
          await reload();
          setStatus(`Token "${open.pat.description}" deleted.`);
          onChanged?.();
        }}
      >
        <p>
          <strong>{open.pat.description}</strong>
          {owner !== undefined && ` of ${owner}`} stops working at once, for every program that uses
          it. This cannot be undone.
        </p>
      </ConfirmDialog>
    );
  return null;
}
