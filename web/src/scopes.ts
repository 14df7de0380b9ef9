// The scope grammar of the server (spec/scopes.md), checked here too so that a typo is
// caught as it is typed. The server checks again and has the last word.

/** Resource and audience names, and plain special rights such as `introspect`. */
export const NAME = /^[a-z0-9._-]{1,64}$/;
const ACTIONS = new Set(['read', 'write', '*']);
export const MAX_SCOPES = 50;
export const MAX_AUDIENCES = 20;

export const FULL_ACCESS = '*';
export const READ_ONLY = '*:read';

export function isScope(scope: string): boolean {
  if (scope === FULL_ACCESS || scope === READ_ONLY) return true;
  const colon = scope.indexOf(':');
  if (colon === -1) return NAME.test(scope);
  return NAME.test(scope.slice(0, colon)) && ACTIONS.has(scope.slice(colon + 1));
}

/** Why `scope` is not one, with the likely fix when there is one; undefined when it is fine. */
export function scopeProblem(scope: string): string | undefined {
  if (isScope(scope)) return undefined;
  if (isScope(scope.toLowerCase()))
    return `"${scope}" is not a scope: names are lower case. Did you mean ${scope.toLowerCase()}?`;
  const colon = scope.indexOf(':');
  if (colon !== -1 && NAME.test(scope.slice(0, colon)))
    return `"${scope}" is not a scope: after the colon comes read, write or *.`;
  return `"${scope}" is not a scope. Use *, *:read, <resource>:read, <resource>:write, <resource>:* or a right such as introspect (names: 1-64 of a-z, 0-9, '.', '_', '-').`;
}

export function audienceProblem(audience: string): string | undefined {
  if (NAME.test(audience)) return undefined;
  if (NAME.test(audience.toLowerCase()))
    return `"${audience}" is not an audience name: names are lower case. Did you mean ${audience.toLowerCase()}?`;
  return `"${audience}" is not an audience name: use 1-64 of a-z, 0-9, '.', '_', '-'.`;
}

/** How a scope reads on screen: the two common ones in words, the rest as written. */
export function scopeLabel(scope: string): string {
  if (scope === FULL_ACCESS) return 'Full access';
  if (scope === READ_ONLY) return 'Read-only';
  return scope;
}
