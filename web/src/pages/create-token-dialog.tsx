import { useState } from 'preact/hooks';
import { ApiFailure, api } from '../api';
import { ChipInput } from '../components/chip-input';
import { FormDialog } from '../components/form-dialog';
import {
  daysFromNow,
  EXPIRY_PRESET_DAYS,
  endOfLocalDay,
  formatDate,
  toDateInputValue,
} from '../format';
import { audienceProblem, MAX_AUDIENCES, MAX_SCOPES, READ_ONLY, scopeProblem } from '../scopes';
import type { CreatedPat } from '../types';
import { useSubmit } from '../use-submit';

type Expiry = `${(typeof EXPIRY_PRESET_DAYS)[number]}` | 'custom';
type Access = 'full' | 'read-only' | 'custom';

interface FieldErrors {
  scopes: string[];
  audiences: string[];
}

const NO_FIELD_ERRORS: FieldErrors = { scopes: [], audiences: [] };

/** The server's 400 details about scopes and audiences, by field; the rest left as they are. */
function fieldErrorsOf(failure: unknown): { fields: FieldErrors; unmapped: number } {
  if (!(failure instanceof ApiFailure) || failure.status !== 400)
    return { fields: NO_FIELD_ERRORS, unmapped: 0 };
  const fields: FieldErrors = { scopes: [], audiences: [] };
  let unmapped = 0;
  for (const detail of failure.details) {
    const field = /^\/body\/(scopes|audiences)(\/|$)/.exec(detail.path ?? '')?.[1];
    if (field === 'scopes' || field === 'audiences') fields[field].push(detail.message);
    else unmapped++;
  }
  return { fields, unmapped };
}

const ACCESS_CHOICES: readonly { value: Access; label: string; hint: string }[] = [
  { value: 'full', label: 'Full access', hint: 'Everything the owner may do.' },
  { value: 'read-only', label: 'Read-only', hint: 'Reads everywhere, changes nothing.' },
  { value: 'custom', label: 'Custom', hint: 'Only the scopes you list.' },
];

interface CreateTokenDialogProps {
  /** Where the token is created: the user's own tokens, or a service account's. */
  url?: string;
  title?: string;
  /** Unique among whose tokens, for the description's hint. */
  owner?: string;
  onClose: () => void;
  onCreated: (created: CreatedPat) => void;
  /** The server refused because the limit is reached. */
  onDenied: (failure: ApiFailure) => void;
}

export function CreateTokenDialog({
  url = '/api/admin/user/tokens',
  title = 'Create a personal API token',
  owner = 'your tokens',
  onClose,
  onCreated,
  onDenied,
}: CreateTokenDialogProps) {
  const [description, setDescription] = useState('');
  const [access, setAccess] = useState<Access>('full');
  const [scopes, setScopes] = useState<string[]>([]);
  const [audiences, setAudiences] = useState<string[]>([]);
  const [pending, setPending] = useState({ scopes: false, audiences: false });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);
  const [expiry, setExpiry] = useState<Expiry>('30');
  const [customDate, setCustomDate] = useState(() => toDateInputValue(daysFromNow(30)));
  const submission = useSubmit();
  const { setError } = submission;

  const expiresAt = expiry === 'custom' ? endOfLocalDay(customDate) : daysFromNow(Number(expiry));

  const submit = () => {
    if (submission.busy) return;
    const formError = (message: string, focusId?: string) => {
      setError(new ApiFailure(0, 'FormError', message, []));
      if (focusId) document.getElementById(focusId)?.focus();
    };
    if (expiresAt === undefined) return formError('Choose the date the token expires.');
    if (access === 'custom') {
      if (pending.scopes || pending.audiences)
        return formError(
          'Fix or clear what is left in the scope or audience field: it is not added yet.',
          pending.scopes ? 'token-scopes' : 'token-audiences',
        );
      if (scopes.length === 0)
        return formError(
          'Add at least one scope, or choose Full access or Read-only.',
          'token-scopes',
        );
    }
    return submission.run(async () => {
      setFieldErrors(NO_FIELD_ERRORS);
      try {
        // Full access sends Unleash's body as it is: no scopes, no audiences.
        const created = await api<CreatedPat>('POST', url, {
          description,
          expiresAt: expiresAt.toISOString(),
          ...(access === 'read-only' && { scopes: [READ_ONLY] }),
          ...(access === 'custom' && { scopes }),
          ...(access === 'custom' && audiences.length > 0 && { audiences }),
        });
        onCreated(created);
      } catch (failure) {
        if (failure instanceof ApiFailure && failure.errorName === 'OperationDeniedError') {
          onDenied(failure);
        }
        const { fields, unmapped } = fieldErrorsOf(failure);
        setFieldErrors(fields);
        const mapped = fields.scopes.length + fields.audiences.length;
        // Shown by the form in place of the server's: the details are at their fields.
        throw mapped > 0 && unmapped === 0 && failure instanceof ApiFailure
          ? new ApiFailure(
              failure.status,
              failure.errorName,
              'The server refused some scopes or audiences: see the messages at the fields.',
              [],
            )
          : failure;
      }
    });
  };

  return (
    <FormDialog
      title={title}
      onClose={onClose}
      submission={submission}
      onSubmit={submit}
      submitLabel="Create token"
      busyLabel="Creating…"
    >
      <div class="field">
        <label for="token-description">Description</label>
        <input
          id="token-description"
          required
          maxLength={255}
          aria-describedby="token-description-hint"
          value={description}
          onInput={(event) => setDescription(event.currentTarget.value)}
        />
        <p id="token-description-hint" class="hint">
          What the token is for, such as "CI deploy job". Unique among {owner}.
        </p>
      </div>
      <fieldset>
        <legend>Expires</legend>
        <div class="choices">
          {EXPIRY_PRESET_DAYS.map((days) => (
            <label key={days} class="choice">
              <input
                type="radio"
                name="expiry"
                value={String(days)}
                checked={expiry === String(days)}
                onChange={() => setExpiry(`${days}`)}
              />
              {days} days
            </label>
          ))}
          <label class="choice">
            <input
              type="radio"
              name="expiry"
              value="custom"
              checked={expiry === 'custom'}
              onChange={() => setExpiry('custom')}
            />
            Custom date
          </label>
        </div>
        {expiry === 'custom' && (
          <div class="field">
            <label for="token-expiry-date">Expiry date</label>
            <input
              id="token-expiry-date"
              type="date"
              required
              min={toDateInputValue(new Date())}
              value={customDate}
              onInput={(event) => setCustomDate(event.currentTarget.value)}
            />
          </div>
        )}
        <p class="hint" aria-live="polite">
          {expiresAt === undefined
            ? 'Choose a date.'
            : `The token will expire on ${formatDate(expiresAt)}.`}
        </p>
      </fieldset>
      <fieldset>
        <legend>Access</legend>
        <div class="choices">
          {ACCESS_CHOICES.map((choice) => (
            <label key={choice.value} class="choice">
              <input
                type="radio"
                name="access"
                value={choice.value}
                checked={access === choice.value}
                onChange={() => setAccess(choice.value)}
              />
              {choice.label}
            </label>
          ))}
        </div>
        <p class="hint" aria-live="polite">
          {ACCESS_CHOICES.find((choice) => choice.value === access)?.hint}
        </p>
        {access === 'custom' && (
          <div class="stack custom-access">
            <ChipInput
              id="token-scopes"
              label="Scopes"
              hint="Type a scope and press Enter or a comma: tokens:read, orders:write, orders:*, *:read, introspect."
              values={scopes}
              onChange={(next) => {
                setScopes(next);
                // A message about the list no longer applies once the list changes.
                setFieldErrors((current) => ({ ...current, scopes: [] }));
                setError(undefined);
              }}
              validate={scopeProblem}
              max={MAX_SCOPES}
              serverErrors={fieldErrors.scopes}
              onPendingChange={(value) => setPending((current) => ({ ...current, scopes: value }))}
            />
            <ChipInput
              id="token-audiences"
              label="Audiences (optional)"
              hint="The services the token is meant for, such as billing. None: any service."
              values={audiences}
              onChange={(next) => {
                setAudiences(next);
                // A message about the list no longer applies once the list changes.
                setFieldErrors((current) => ({ ...current, audiences: [] }));
                setError(undefined);
              }}
              validate={audienceProblem}
              max={MAX_AUDIENCES}
              serverErrors={fieldErrors.audiences}
              onPendingChange={(value) =>
                setPending((current) => ({ ...current, audiences: value }))
              }
            />
          </div>
        )}
      </fieldset>
    </FormDialog>
  );
}
