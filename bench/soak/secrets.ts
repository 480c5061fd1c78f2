import type { Firestore } from '@google-cloud/firestore';
import type { SealedToken, TokenVault } from '../../functions/src/tokens/vault';

/**
 * What must never appear in clear in Firestore or in a log line: Google's token formats (the
 * sandbox issues them in Google's shapes), and the exact plaintext of every token the soak could
 * read back from the vault, plus the client secret and the token key.
 */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /ya29\.[\w-]{8,}/, // access token
  /1\/\/0[\w-]{8,}/, // refresh token
  /4\/0A[\w-]{8,}/, // sign-in code
  /eyJ[\w-]{8,}\.eyJ[\w-]{8,}/, // JWT (ID token)
];

export class SecretScanner {
  private readonly exact = new Set<string>();

  add(secret: string): void {
    if (secret.length >= 8) this.exact.add(secret);
  }

  /** What `text` leaks, named by kind, never quoting the secret itself. */
  leaks(text: string): string[] {
    const found = TOKEN_PATTERNS.filter((pattern) => pattern.test(text)).map((pattern) => `a token shaped like ${pattern.source.slice(0, 8)}...`);
    for (const secret of this.exact) if (text.includes(secret)) found.push(`a known secret (${secret.length} characters)`);
    return found;
  }

  /** Opens every sealed token stored for these users and remembers its plaintext. */
  async learnStoredTokens(db: Firestore, vault: TokenVault, userIds: readonly string[]): Promise<void> {
    for (let i = 0; i < userIds.length; i += 300) {
      const snapshots = await db.getAll(...userIds.slice(i, i + 300).map((id) => db.collection('users').doc(id)));
      for (const snapshot of snapshots) {
        const record = snapshot.data() as { refreshToken?: SealedToken; accessToken?: SealedToken } | undefined;
        for (const field of ['refreshToken', 'accessToken'] as const) {
          const sealed = record?.[field];
          if (sealed) this.add(await vault.open(snapshot.id, field, sealed));
        }
      }
    }
  }
}
