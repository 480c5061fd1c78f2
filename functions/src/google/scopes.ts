/**
 * Google answers with the long form of the sign-in scopes (`email` comes back as
 * `https://www.googleapis.com/auth/userinfo.email`), so both sides are normalised before comparing.
 */
const SCOPE_ALIASES: Readonly<Record<string, string>> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

export function normaliseScope(scope: string): string {
  return SCOPE_ALIASES[scope] ?? scope;
}

export function parseScopeString(scope: string | null | undefined): string[] {
  if (!scope) return [];
  return [...new Set(scope.split(/\s+/).filter(Boolean).map(normaliseScope))].sort();
}

export function missingScopes(required: readonly string[], granted: readonly string[]): string[] {
  const have = new Set(granted.map(normaliseScope));
  return required.map(normaliseScope).filter((scope) => !have.has(scope));
}

/** Whether two scope lists grant the same set (order, duplicates and short aliases do not count). */
export function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map(normaliseScope));
  const right = new Set(b.map(normaliseScope));
  return left.size === right.size && [...left].every((scope) => right.has(scope));
}
