/**
 * The token from an Authorization header value: the raw token, or `Bearer <token>` with the
 * scheme in any case and any whitespace after it. Other schemes are not PATs and are
 * returned as-is, so they fail as unknown credentials.
 */
export function tokenFromAuthorization(header: string): string {
  const value = header.trim();
  const bearer = /^bearer\s+/i.exec(value);
  return bearer ? value.slice(bearer[0].length) : value;
}
