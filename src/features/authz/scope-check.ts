// The pure part of the gateway's question "may this token pass?": the grammar of what a
// proxy may ask for (spec/gateway.md, "What the gateway may ask for") and whether a token's
// grant satisfies it. No I/O, so every refusal path is unit-tested here.

import { holdsScope, isScope, NAME, type TokenGrant } from '../../core/scopes.js';

/** More asks than any sane proxy config names; bounds the work per (uncached) ask. */
const MAX_ASKS = 50;

export interface GatewayAsk {
  /** Scopes the token must hold, in the scope grammar. */
  readonly scopes: readonly string[];
  /** Resources whose `:read` or `:write` the original method decides. */
  readonly resources: readonly string[];
  /** Audiences the token must list (or list none). */
  readonly audiences: readonly string[];
}

export const NOTHING_ASKED: GatewayAsk = Object.freeze({
  scopes: Object.freeze([]),
  resources: Object.freeze([]),
  audiences: Object.freeze([]),
});

export type ParsedAsk = { ask: GatewayAsk } | { problems: { message: string; path: string }[] };

/** A proxy's config names a handful of distinct query strings; garbage must not grow this. */
const ASK_MEMO_MAX = 256;
const NOTHING: ParsedAsk = Object.freeze({ ask: NOTHING_ASKED });

/** Each distinct query string parsed once: the routes and the fast lane share one. */
export class AskMemo {
  readonly #parsed = new Map<string, ParsedAsk>();

  parse(query: string | undefined): ParsedAsk {
    if (query === undefined) return NOTHING;
    let parsed = this.#parsed.get(query);
    if (parsed === undefined) {
      parsed = parseAsk(query);
      if (this.#parsed.size >= ASK_MEMO_MAX) this.#parsed.clear();
      this.#parsed.set(query, parsed);
    }
    return parsed;
  }
}

/**
 * Reads the asks from the auth URL's query string (`scope`, `resource`, `audience`, each
 * repeatable; `scope` may also hold several space-separated scopes, as OAuth writes them).
 * Every other parameter is ignored: proxies add their own.
 */
export function parseAsk(query: string): ParsedAsk {
  const params = new URLSearchParams(query);
  const scopes: string[] = [];
  const resources: string[] = [];
  const audiences: string[] = [];
  const problems: { message: string; path: string }[] = [];
  for (const value of params.getAll('scope')) {
    for (const scope of value.split(' ')) {
      if (scope === '') continue;
      if (isScope(scope)) scopes.push(scope);
      else problems.push({ path: 'scope', message: `"${clip(scope)}" is not a valid scope.` });
    }
  }
  for (const [key, list] of [
    ['resource', resources],
    ['audience', audiences],
  ] as const) {
    for (const name of params.getAll(key)) {
      if (NAME.test(name)) list.push(name);
      else
        problems.push({
          path: key,
          message: `"${clip(name)}" is not a valid ${key} name: 1-64 of a-z, 0-9, '.', '_', '-'.`,
        });
    }
  }
  if (scopes.length + resources.length + audiences.length > MAX_ASKS)
    problems.push({
      path: 'scope',
      message: `At most ${MAX_ASKS} scopes, resources and audiences may be asked for.`,
    });
  if (problems.length > 0) return { problems };
  if (scopes.length + resources.length + audiences.length === 0) return { ask: NOTHING_ASKED };
  return { ask: { scopes, resources, audiences } };
}

function clip(value: string): string {
  return value.length > 70 ? `${value.slice(0, 70)}…` : value;
}

/** Methods that only read: GET, HEAD and OPTIONS need `:read`, every other method `:write`. */
export function isReadMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

export type Refusal = { kind: 'scope'; missing: string } | { kind: 'audience'; missing: string };

/**
 * The first thing the grant lacks for this ask and original method, or undefined when the
 * token may pass. An unknown method (the proxy did not say) counts as a write: fail closed.
 */
export function refusalFor(
  grant: TokenGrant,
  ask: GatewayAsk,
  originalMethod: string | undefined,
): Refusal | undefined {
  if (ask === NOTHING_ASKED) return undefined;
  for (const scope of ask.scopes) {
    if (!holdsScope(grant.scopes, scope)) return { kind: 'scope', missing: scope };
  }
  if (ask.resources.length > 0) {
    const action = isReadMethod(originalMethod) ? 'read' : 'write';
    for (const resource of ask.resources) {
      const scope = `${resource}:${action}`;
      if (!holdsScope(grant.scopes, scope)) return { kind: 'scope', missing: scope };
    }
  }
  if (grant.audiences.length > 0) {
    for (const audience of ask.audiences) {
      if (!grant.audiences.includes(audience)) return { kind: 'audience', missing: audience };
    }
  }
  return undefined;
}
