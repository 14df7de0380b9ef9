// The page has no inline script or style, so its policy can be strict.
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join(';');

/**
 * Sent on every response, errors included: nosniff, no framing, no referrer, and `no-store`
 * (almost every answer carries user data or a secret; static assets set their own caching).
 * API answers are JSON, never rendered, so their policy forbids everything; the web page's
 * files get the page policy (pageHeaders) from the static file server. app.ts sets them in the
 * first onRequest hook; the router's own errors get them from the error handler.
 *
 * Fixed values, built once: @fastify/helmet, used before, rebuilt its CSP string on every
 * request, and its dozen headers (most for HTML in old browsers) cost ~5% and ~10% of a
 * token-authenticated request's CPU respectively, measured with a CPU profile.
 */
export const DEFAULT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
});

/** For the web page's own files: its strict policy and cross-origin isolation. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': PAGE_CSP,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
});

/**
 * The API browser's pages: our policy, except that Swagger UI sets inline styles at run
 * time. (Its own default allows https: fonts and styles and upgrades requests to https,
 * which breaks it on a plain-HTTP localhost.)
 */
export function apiBrowserCsp(): string {
  return PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
}
