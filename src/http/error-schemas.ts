// Documented error answers. Errors are sent pre-serialised (see error-handler.ts), so these
// schemas only describe them.

const errorSchema = (name: string, message: string) => ({
  type: 'object',
  properties: {
    id: {
      type: 'string',
      description: 'A unique id for this error, also written to the server log.',
      example: '3f0c8e1d-8b44-4b6e-9b7a-0d6f1e2a9c55',
    },
    name: { type: 'string', description: 'The kind of error.', example: name },
    message: {
      type: 'string',
      description: 'What went wrong, for a person to read.',
      example: message,
    },
    details: {
      type: 'array',
      description: 'Each problem found; for validation errors, one per invalid field.',
      items: {
        type: 'object',
        properties: { message: { type: 'string' }, path: { type: 'string' } },
      },
    },
  },
});

export const errorResponses = {
  400: {
    description: 'The request is malformed or breaks a rule.',
    ...errorSchema('BadDataError', 'PAT description cannot be empty.'),
  },
  401: {
    description: 'No credentials were sent, or they belong to no live user.',
    ...errorSchema('AuthenticationRequired', 'You must log in to use Unleash.'),
  },
  403: {
    description: 'The user may not do this.',
    ...errorSchema('OperationDeniedError', 'Too many PATs (10) already exist for this user.'),
  },
  404: {
    description: 'Nothing here, or the feature is switched off.',
    ...errorSchema('NotFoundError', 'PATs are disabled.'),
  },
  409: {
    description: 'The name is taken.',
    ...errorSchema('NameExistsError', 'PAT description already exists.'),
  },
  413: {
    description: 'The body is over 100 kB.',
    ...errorSchema('ContentTooLargeError', 'The request body is too large.'),
  },
  415: {
    description: 'The body is not JSON.',
    ...errorSchema('ContentTypeError', 'We do not accept the content-type you provided.'),
  },
  429: {
    description: 'Too many attempts from this address; Retry-After says when to try again.',
    ...errorSchema('TooManyRequestsError', 'Too many login attempts from your address.'),
  },
  503: {
    description: 'The database cannot be reached right now; Retry-After says when to try again.',
    ...errorSchema('ServiceUnavailableError', 'The database cannot be reached right now.'),
  },
} as const;

export function pickErrors<K extends keyof typeof errorResponses>(...codes: K[]) {
  return Object.fromEntries(codes.map((code) => [code, errorResponses[code]])) as Pick<
    typeof errorResponses,
    K
  >;
}
