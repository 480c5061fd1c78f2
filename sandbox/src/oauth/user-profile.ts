/** The Google account a sandbox code is minted for: what Google would put in the ID token. */
export interface UserProfile {
  readonly sub: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly name: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly picture: string;
  readonly locale: string;
}

export interface UserProfileInput {
  sub: string;
  email: string;
  emailVerified?: boolean;
  name?: string;
  givenName?: string;
  familyName?: string;
  picture?: string;
  locale?: string;
}

/** Fills what a test did not care to say with plausible values derived from what it did say. */
export function completeProfile(input: UserProfileInput): UserProfile {
  const name = input.name ?? displayNameFromEmail(input.email);
  const [first = name, ...rest] = name.split(/\s+/);
  return {
    sub: input.sub,
    email: input.email,
    emailVerified: input.emailVerified ?? true,
    name,
    givenName: input.givenName ?? first,
    familyName: input.familyName ?? rest.join(' '),
    picture: input.picture ?? `https://lh3.googleusercontent.com/a/sandbox-${encodeURIComponent(input.sub)}=s96-c`,
    locale: input.locale ?? 'en',
  };
}

function displayNameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? email;
  return local
    .split(/[._-]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
