import type { PatJson } from './pat.js';
import type { PatService } from './pat-service.js';

// The token list's answer as JSON text. Serialising the list was the largest single cost of
// a cached list request (~6 µs of ~65 for ten tokens, CPU profile, issue 15). PatService
// shares one frozen answer object per token until the token changes, so each one's text is
// worked out once and kept beside it; an answer made for one request (one with an expiry
// warning, which depends on the time) is not frozen and is serialised each time.
const texts = new WeakMap<PatJson, string>();

function textOf(pat: PatJson): string {
  if (!Object.isFrozen(pat)) return JSON.stringify(pat);
  let text = texts.get(pat);
  if (text === undefined) {
    text = JSON.stringify(pat);
    texts.set(pat, text);
  }
  return text;
}

/** Exactly JSON.stringify({ pats }), from the tokens' kept texts. */
export function patsBody(pats: readonly PatJson[]): string {
  return `{"pats":[${pats.map(textOf).join(',')}]}`;
}

/**
 * The owner's token list from the list cache alone, as the route's JSON text; undefined when
 * the route must answer (the list is not cached, or PATs are switched off).
 */
export function cachedPatsBody(
  service: Pick<PatService, 'enabled' | 'listCached'>,
  userId: number,
): string | undefined {
  if (!service.enabled) return undefined;
  const pats = service.listCached(userId);
  return pats === undefined ? undefined : patsBody(pats);
}
