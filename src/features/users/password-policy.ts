// The password policy, as Unleash's (so scripts that create users there work here): at least
// 10 characters with a lower-case letter, an upper-case letter, a digit and a symbol. Every
// missing part is named, not only the first.

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH)
    problems.push(`at least ${MIN_PASSWORD_LENGTH} characters`);
  if ([...password].length > MAX_PASSWORD_LENGTH)
    problems.push(`at most ${MAX_PASSWORD_LENGTH} characters`);
  if (!/\p{Ll}/u.test(password)) problems.push('a lower-case letter');
  if (!/\p{Lu}/u.test(password)) problems.push('an upper-case letter');
  if (!/\p{Nd}/u.test(password)) problems.push('a digit');
  if (!/[^\p{L}\p{Nd}\s]/u.test(password)) problems.push('a symbol');
  return problems;
}
