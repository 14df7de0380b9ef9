// The HTTP fuzzer shared by `npm test` (test/fuzz/routes.test.ts: fixed seed, few runs) and
// `npm run fuzz` (scripts/fuzz.ts: many runs, any seed). It sends generated requests over a
// real socket to the real app on a real database, to every route, with no credentials, a
// session, a PAT or garbage, and checks each answer:
//   - it arrives, within a bound (no hang, no dropped connection);
//   - its status is below 500;
//   - an error answer is JSON in the contract's shape: {id: uuid, name, message, details[]}.

import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { UUID } from '../helpers/assertions.js';
import { type Harness, json, startHarness } from '../helpers/harness.js';
import { isResponse, type RawOutcome, rawRequest } from '../helpers/raw-http.js';

/** Longer than any honest request takes here, far shorter than a hang. */
export const ANSWER_WITHIN_MS = 5000;

export interface Route {
  method: string;
  /** With `{id}` where a path parameter goes. */
  path: string;
}

export type Credential = 'none' | 'admin-session' | 'editor-session' | 'pat' | 'garbage';

export interface FuzzRequest {
  route: Route;
  method: string;
  id: string;
  pathMutations: PathMutation[];
  credential: Credential;
  garbage: { authorization?: string; cookie?: string };
  headers: [string, string][];
  contentType: string | undefined;
  body: Buffer | undefined;
}

type PathMutation =
  | { kind: 'case'; mask: number }
  | { kind: 'double-slash'; at: number }
  | { kind: 'dot-segment'; at: number; segment: string }
  | { kind: 'trailing-slash' }
  | { kind: 'query'; query: string }
  | { kind: 'encode'; at: number }
  | { kind: 'overlong'; length: number }
  | { kind: 'replace'; path: string };

/**
 * Every route the app serves: the documented ones from its OpenAPI document, plus the hidden
 * ones (the web page, health, the document itself, the API browser) and paths that match
 * no route.
 */
export function routesOf(harness: Harness): Route[] {
  const doc = harness.app.swagger() as { paths?: Record<string, Record<string, unknown>> };
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const method of Object.keys(operations))
      routes.push({ method: method.toUpperCase(), path });
  }
  routes.push(
    { method: 'GET', path: '/' },
    { method: 'GET', path: '/health' },
    { method: 'GET', path: '/internal-backstage/prometheus' },
    { method: 'GET', path: '/docs/openapi.json' },
    { method: 'GET', path: '/docs/openapi/' },
    { method: 'GET', path: '/docs/openapi/static/index.html' },
    { method: 'GET', path: '/api/admin/no-such-thing/{id}' },
    { method: 'GET', path: '/no/such/path' },
    // Envoy's ext_authz: the original path follows the documented prefix.
    { method: 'GET', path: '/api/authz/ext-authz/{id}' },
  );
  return routes;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND'];
// CONNECT is left out: Node hands it to a 'connect' listener, not to the app.

const idArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '1',
    '0',
    '-1',
    '+7',
    '027',
    '0x10',
    '1e2',
    '1.5',
    ' ',
    '',
    '2147483647',
    '2147483648',
    '-2147483648',
    '4294967296',
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775809',
    '99999999999999999999999999999',
    'NaN',
    'Infinity',
    '١٢٣',
    '１２',
    '%00',
    '%2F',
    "1' OR '1'='1",
    '1;DROP TABLE users',
  ),
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

const pathMutation: fc.Arbitrary<PathMutation> = fc.oneof(
  fc.record({ kind: fc.constant('case' as const), mask: fc.nat() }),
  fc.record({ kind: fc.constant('double-slash' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('dot-segment' as const),
    at: fc.nat(),
    segment: fc.constantFrom('.', '..', '%2e', '%2E%2e', '..;', '.%00.'),
  }),
  fc.record({ kind: fc.constant('trailing-slash' as const) }),
  fc.record({
    kind: fc.constant('query' as const),
    query: fc.oneof(
      fc.constantFrom(
        'a=1',
        'limit=-1&offset=x',
        'id=1&id=2',
        '__proto__[x]=1',
        '%zz',
        'a=%00',
        // The gateway's asks: valid, unsatisfiable today, malformed.
        'resource=orders&audience=billing',
        'scope=deploy',
        'scope=Bad!&resource=%2F',
        'scope=*:read%20a:write&scope=b:*',
        // The token inventory's filters and cursor: valid, malformed, tampered.
        'owner=1&expired=true&neverUsed=false&limit=500',
        'expiresBefore=2030-01-01T00:00:00Z&seenBefore=nope&accountType=Robot',
        'q=%25_%5C&limit=0',
        'next=WyIyMDMwLTEzLTAxVDAwOjAwOjAwLjAwMDAwMCIsMV0&limit=2',
        'next=!!&owner=99999999999',
        'reason=leaked',
      ),
      fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent),
    ),
  }),
  fc.record({ kind: fc.constant('encode' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('overlong' as const),
    length: fc.constantFrom(300, 600, 5000, 20_000),
  }),
  fc.record({
    kind: fc.constant('replace' as const),
    path: fc.oneof(
      fc.webPath(),
      fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `/${encodeURIComponent(s)}`),
      fc.constantFrom(
        '/API/ADMIN/USER',
        '/api//admin/user',
        '/api/admin/../admin/user',
        '/%61pi/admin/user',
        '*',
      ),
    ),
  }),
);

/** A header value as a client might send it: any text, but one line (CR/LF would end it). */
const headerText = (maxLength: number) =>
  fc.string({ unit: 'binary', maxLength }).map((s) => s.replace(/[\r\n]/g, ' '));

const garbageCredential = fc.record(
  {
    authorization: fc.oneof(
      headerText(80),
      headerText(80).map((s) => `Bearer ${s}`),
      fc.constantFrom(
        'user:v2_AAAAAAAAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
        'Basic YWRtaW46YWRtaW4=',
        'Bearer',
        'bearer      ',
        "user:' OR 1=1 --",
        'x'.repeat(9000),
      ),
    ),
    cookie: fc.oneof(
      headerText(80).map((s) => `unleash-session=${s}`),
      headerText(80),
      fc.constantFrom(
        'unleash-session=',
        'unleash-session=%ZZ',
        `unleash-session=${'A'.repeat(43)}`,
      ),
    ),
  },
  { requiredKeys: [] },
);

const contentTypes = fc.option(
  fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json; charset=latin1',
      'application/json;;',
      'application/vnd.api+json',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      '',
      '*/*',
    ),
    headerText(40),
  ),
  { nil: undefined },
);

const FIELD_NAMES = [
  'description',
  'expiresAt',
  'username',
  'password',
  'confirmPassword',
  'email',
  'name',
  'rootRole',
  'url',
  'events',
  'id',
  'secret',
  'overlapSeconds',
  'ids',
  'reason',
  '__proto__',
  'constructor',
];

const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom(
    '2030-01-31T12:00:00Z',
    '2030-02-30T12:00:00Z',
    '10000-01-01T00:00:00Z',
    '2030-01-31',
    '1970-01-01T00:00:00Z',
    'Admin',
    'Viewer',
    'Editor',
    1,
    2,
    3,
    'x@example.com',
    "o'brien@example.com",
    "'; DROP TABLE users; --",
    'Pa$$w0rd-long-enough',
    60,
    86_400,
    86_401,
    -1,
    [1, 2, 2_147_483_647],
    [0],
    '\u0000',
    '\ud800',
    // Webhooks: targets that go nowhere (port 9, discard), and event lists.
    'http://127.0.0.1:9/hook',
    'https://[::1]:9/hook',
    'ftp://127.0.0.1/x',
    ['*'],
    ['pat-created', 'user-deleted'],
    ['webhook-test'],
    [],
  ),
);

const bodyArbitrary: fc.Arbitrary<Buffer | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  {
    arbitrary: fc
      .dictionary(fc.constantFrom(...FIELD_NAMES), fieldValue, { maxKeys: 5 })
      .map((o) => Buffer.from(JSON.stringify(o))),
    weight: 4,
  },
  {
    arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v))),
    weight: 2,
  },
  {
    arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
    weight: 1,
  },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), weight: 1 },
  // Introspection's form bodies.
  {
    arbitrary: fc
      .tuple(
        fc.oneof(
          fc.constantFrom('token', 'token_type_hint', 'token[]', '__proto__'),
          fc.string({ maxLength: 10 }),
        ),
        fc.oneof(
          fc.constantFrom(
            'user:v2_AAAAAAAAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
            '',
          ),
          fc.string({ unit: 'binary', maxLength: 80 }),
        ),
      )
      .map(([key, value]) => Buffer.from(`${key}=${encodeURIComponent(value)}&token_type_hint=x`)),
    weight: 1,
  },
  {
    arbitrary: fc
      .constantFrom(
        '{"description":',
        '{"__proto__":{"polluted":true},"description":"p","expiresAt":"2030-01-01T00:00:00Z"}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        '[]',
        'null',
        '"string"',
        `{"description":"${'d'.repeat(200_000)}"}`,
        `[${'['.repeat(5000)}${']'.repeat(5000)}]`,
      )
      .map((s) => Buffer.from(s)),
    weight: 1,
  },
);

export function requestArbitrary(routes: Route[]): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    route: fc.constantFrom(...routes),
    method: fc.oneof(
      { arbitrary: fc.constant(''), weight: 4 },
      { arbitrary: fc.constantFrom(...METHODS), weight: 1 },
    ),
    id: idArbitrary,
    pathMutations: fc.array(pathMutation, { maxLength: 3 }),
    credential: fc.constantFrom<Credential>(
      'none',
      'admin-session',
      'editor-session',
      'pat',
      'garbage',
    ),
    garbage: garbageCredential,
    headers: fc.array(
      fc.oneof(
        fc.tuple(
          fc.constant('Origin'),
          fc.oneof(
            fc.constantFrom('http://127.0.0.1', 'https://evil.example', 'null'),
            headerText(40),
          ),
        ),
        fc.tuple(
          fc.constant('Sec-Fetch-Site'),
          fc.oneof(
            fc.constantFrom('same-origin', 'cross-site', 'same-site', 'none'),
            headerText(20),
          ),
        ),
        fc.tuple(fc.constant('X-Forwarded-For'), fc.oneof(fc.ipV4(), headerText(20))),
        fc.tuple(fc.constant('Accept'), fc.constantFrom('*/*', 'text/html', 'application/xml')),
        fc.tuple(fc.constant('X-Fuzz'), headerText(8000)),
        // What proxies tell the gateway endpoints about the original request.
        fc.tuple(
          fc.constantFrom('X-Original-Method', 'X-Forwarded-Method'),
          fc.oneof(fc.constantFrom('GET', 'POST', 'delete', ''), headerText(20)),
        ),
        fc.tuple(
          fc.constantFrom(
            'X-Original-URL',
            'X-Original-URI',
            'X-Forwarded-Uri',
            'X-Forwarded-Host',
          ),
          fc.oneof(fc.webUrl(), headerText(200)),
        ),
      ),
      { maxLength: 3 },
    ),
    contentType: contentTypes,
    body: bodyArbitrary,
  });
}

function mutatePath(path: string, mutation: PathMutation): string {
  const at = (n: number) => (path.length === 0 ? 0 : n % path.length);
  switch (mutation.kind) {
    case 'case':
      return [...path]
        .map((c, i) => ((mutation.mask >> (i % 30)) & 1 ? c.toUpperCase() : c))
        .join('');
    case 'double-slash': {
      const slashes = [...path.matchAll(/\//g)].map((m) => m.index);
      const i = slashes[mutation.at % Math.max(1, slashes.length)] ?? 0;
      return `${path.slice(0, i)}/${path.slice(i)}`;
    }
    case 'dot-segment': {
      const slashes = [...path.matchAll(/\//g)].map((m) => m.index);
      const i = slashes[mutation.at % Math.max(1, slashes.length)] ?? 0;
      return `${path.slice(0, i)}/${mutation.segment}${path.slice(i)}`;
    }
    case 'trailing-slash':
      return `${path}/`;
    case 'query':
      return `${path}?${mutation.query}`;
    case 'encode': {
      const i = at(mutation.at);
      const c = path[i] ?? '';
      return `${path.slice(0, i)}%${c.charCodeAt(0).toString(16).padStart(2, '0')}${path.slice(i + 1)}`;
    }
    case 'overlong':
      return `${path}/${'a'.repeat(mutation.length)}`;
    case 'replace':
      return mutation.path;
  }
}

export function pathOf(request: FuzzRequest): string {
  // Ids go in encoded when they would break the request line; raw otherwise.
  const id = /^[\x21-\x7e]*$/.test(request.id) ? request.id : encodeURIComponent(request.id);
  // A second parameter (a service account's {tokenId}) gets the same generated id.
  let path = request.route.path.replace('{id}', id).replace('{tokenId}', id);
  for (const mutation of request.pathMutations) path = mutatePath(path, mutation);
  return path;
}

export interface FuzzCredentials {
  adminCookie: string;
  editorCookie: string;
  pat: string;
}

export interface FuzzTarget {
  harness: Harness;
  port: number;
  routes: Route[];
  credentials: FuzzCredentials;
  close(): Promise<void>;
}

async function freshCredentials(h: Harness): Promise<FuzzCredentials> {
  const admin = await h.quickSignedIn('Admin');
  const editor = await h.quickSignedIn('Editor');
  const created = await h.createPat(
    { cookie: editor.cookie },
    { description: `fuzz ${Date.now()} ${Math.random()}` },
  );
  return {
    adminCookie: admin.cookie,
    editorCookie: editor.cookie,
    pat: json<{ secret: string }>(created).secret,
  };
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  // Garbage credentials count as failed attempts; the limits have their own tests.
  const harness = await startHarness({
    AUTH_FAILURE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  });
  await harness.app.listen({ port: 0, host: '127.0.0.1' });
  const target: FuzzTarget = {
    harness,
    port: (harness.app.server.address() as AddressInfo).port,
    routes: routesOf(harness),
    credentials: await freshCredentials(harness),
    close: () => harness.close(),
  };
  return target;
}

/** A generated request can delete or demote the fuzzer's own users: renew what stopped working. */
async function renewCredentials(target: FuzzTarget): Promise<void> {
  const h = target.harness;
  const works = async (auth: { cookie: string } | { token: string }) =>
    (await h.request({ method: 'GET', url: '/api/admin/user', auth })).statusCode === 200;
  const c = target.credentials;
  const admin = await h.request({
    method: 'GET',
    url: '/api/admin/user',
    auth: { cookie: c.adminCookie },
  });
  const adminOk = admin.statusCode === 200 && admin.body.includes('"ADMIN"');
  if (!adminOk || !(await works({ cookie: c.editorCookie })) || !(await works({ token: c.pat }))) {
    target.credentials = await freshCredentials(h);
  }
}

export function serialise(
  request: FuzzRequest,
  credentials: FuzzCredentials,
): { path: string; bytes: Buffer; method: string } {
  const method = request.method || request.route.method;
  const path = pathOf(request);
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  switch (request.credential) {
    case 'admin-session':
      lines.push(`Cookie: ${credentials.adminCookie}`);
      break;
    case 'editor-session':
      lines.push(`Cookie: ${credentials.editorCookie}`);
      break;
    case 'pat':
      lines.push(`Authorization: ${credentials.pat}`);
      break;
    case 'garbage':
      if (request.garbage.authorization !== undefined)
        lines.push(`Authorization: ${request.garbage.authorization}`);
      if (request.garbage.cookie !== undefined) lines.push(`Cookie: ${request.garbage.cookie}`);
      break;
    case 'none':
      break;
  }
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  if (request.contentType !== undefined) lines.push(`Content-Type: ${request.contentType}`);
  if (request.body !== undefined) lines.push(`Content-Length: ${request.body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return {
    path,
    method,
    bytes: request.body === undefined ? head : Buffer.concat([head, request.body]),
  };
}

/** What is wrong with an answer, or undefined when it is fine. */
export function problemWith(method: string, outcome: RawOutcome): string | undefined {
  if (!isResponse(outcome)) return `no answer: ${outcome.error} after ${outcome.ms} ms`;
  if (outcome.status >= 500) return `status ${outcome.status}: ${outcome.body.slice(0, 300)}`;
  if (outcome.status < 400 || method === 'HEAD') return undefined;
  if (!/^application\/json; charset=utf-8/.test(outcome.headers['content-type'] ?? '')) {
    return `error ${outcome.status} with content-type ${outcome.headers['content-type']}`;
  }
  let body: unknown;
  try {
    body = JSON.parse(outcome.body);
  } catch {
    return `error ${outcome.status} body is not JSON: ${outcome.body.slice(0, 200)}`;
  }
  const b = body as { id?: unknown; name?: unknown; message?: unknown; details?: unknown };
  if (typeof b.id !== 'string' || !UUID.test(b.id))
    return `error body without a uuid id: ${outcome.body.slice(0, 200)}`;
  if (typeof b.name !== 'string' || b.name === '')
    return `error body without a name: ${outcome.body.slice(0, 200)}`;
  if (typeof b.message !== 'string')
    return `error body without a message: ${outcome.body.slice(0, 200)}`;
  if (
    !Array.isArray(b.details) ||
    b.details.length === 0 ||
    !b.details.every((d: { message?: unknown }) => typeof d?.message === 'string')
  ) {
    return `error body without details[].message: ${outcome.body.slice(0, 200)}`;
  }
  return undefined;
}

const MUTATING = /^(POST|PUT|PATCH|DELETE)$/;

export interface FuzzReport {
  seed: number;
  sent: number;
  histogram: Map<number | string, number>;
  /** The slowest answers: evidence for the no-hang bound, and where time goes. */
  slowest: { ms: number; request: string; status: number | string }[];
  failure?: { seed: number; path: string | undefined; counterexample: string; error: string };
}

export async function runFuzz(options: {
  seed: number;
  numRuns: number;
  /** Shrink a failure to a smaller request (costs more requests); off in npm test. */
  shrink: boolean;
  target?: FuzzTarget;
}): Promise<FuzzReport> {
  const target = options.target ?? (await startFuzzTarget());
  const histogram = new Map<number | string, number>();
  const slowest: FuzzReport['slowest'] = [];
  let sent = 0;
  try {
    const property = fc.asyncProperty(requestArbitrary(target.routes), async (request) => {
      const { bytes, method, path } = serialise(request, target.credentials);
      const outcome = await rawRequest(target.port, bytes, ANSWER_WITHIN_MS);
      sent++;
      const key = isResponse(outcome) ? outcome.status : 'no answer';
      histogram.set(key, (histogram.get(key) ?? 0) + 1);
      slowest.push({
        ms: outcome.ms,
        request: `${method} ${path.slice(0, 80)} (${request.credential}, ${request.body?.length ?? 0} B body)`,
        status: key,
      });
      slowest.sort((a, b) => b.ms - a.ms).splice(5);
      if (MUTATING.test(method) && isResponse(outcome) && outcome.status < 300)
        await renewCredentials(target);
      const problem = problemWith(method, outcome);
      if (problem) throw new Error(problem);
    });
    const details = await fc.check(property, {
      seed: options.seed,
      numRuns: options.numRuns,
      endOnFailure: !options.shrink,
    });
    const report: FuzzReport = { seed: options.seed, sent, histogram, slowest };
    if (details.failed) {
      const [request] = details.counterexample ?? [];
      report.failure = {
        seed: details.seed,
        path: details.counterexamplePath ?? undefined,
        counterexample: request
          ? JSON.stringify(
              { ...request, body: request.body?.toString('utf8').slice(0, 500) },
              null,
              1,
            ).slice(0, 3000)
          : 'none',
        error:
          details.errorInstance instanceof Error
            ? details.errorInstance.message
            : String(details.errorInstance),
      };
    }
    return report;
  } finally {
    if (!options.target) await target.close();
  }
}

export function formatHistogram(histogram: Map<number | string, number>): string {
  return [...histogram]
    .sort(([a], [b]) => String(a).localeCompare(String(b)))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
}
