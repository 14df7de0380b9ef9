// The one way the page talks to the server. Every failure becomes an ApiFailure with a message
// a person can read, whatever the server (or a proxy in front of it) answered.

export interface ApiErrorDetail {
  message: string;
  path?: string;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    /** The API's error name (`OperationDeniedError`, ...), or our own for transport failures. */
    readonly errorName: string,
    message: string,
    readonly details: readonly ApiErrorDetail[],
  ) {
    super(message);
  }
}

const LOGIN_PATH = '/auth/simple/login';

type SessionEndedListener = () => void;
let onSessionEnded: SessionEndedListener = () => {};

/** Called on any 401 except from the login itself: the session ended (logout elsewhere, expiry). */
export function setSessionEndedListener(listener: SessionEndedListener): void {
  onSessionEnded = listener;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function detailsOf(value: unknown): ApiErrorDetail[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) =>
    isRecord(item) && typeof item.message === 'string'
      ? [
          {
            message: item.message,
            ...(typeof item.path === 'string' && { path: item.path }),
          },
        ]
      : [],
  );
}

async function failureFrom(response: Response): Promise<ApiFailure> {
  const text = await response.text().catch(() => '');
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body) && typeof body.message === 'string') {
      const name = typeof body.name === 'string' ? body.name : 'Error';
      return new ApiFailure(response.status, name, body.message, detailsOf(body.details));
    }
  } catch {
    // Not the API's JSON (a proxy's HTML page, an empty body): described below.
  }
  const status = `${response.status} ${response.statusText}`.trim();
  return new ApiFailure(
    response.status,
    'HttpError',
    `The server answered ${status}. Try again in a moment; if it keeps happening, tell your administrator.`,
    [],
  );
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Sends a same-origin request with the session cookie. Bodies go as JSON with that
 * content-type (the server refuses anything else); bodiless requests send no content-type,
 * since an empty body labelled JSON is itself an error.
 */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiFailure(
      0,
      'NetworkError',
      'Could not reach the server. Check your connection and try again.',
      [],
    );
  }
  if (!response.ok) {
    const failure = await failureFrom(response);
    if (response.status === 401 && path !== LOGIN_PATH) onSessionEnded();
    throw failure;
  }
  const text = await response.text();
  // The server's schemas define these shapes; the page trusts its own server here.
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** A readable message and, when the API listed several problems, each of them. */
export function describeError(error: unknown): { message: string; details: string[] } {
  if (error instanceof ApiFailure) {
    const details = error.details.map((detail) => detail.message);
    return { message: error.message, details: details.length > 1 ? details : [] };
  }
  return {
    message: 'Something went wrong in this page. Reload it and try again.',
    details: [],
  };
}
