import { readSecretFile, writeSecretFileOnce } from '../../config/secret-file';
import { lazySecretManagerClient } from '../../tokens/lazy-secret-manager-client';
import { accessSecretPayload, type SecretVersionAccessor } from '../../tokens/secret-manager-access';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_SECRET_MANAGER_RETRY } from '../../tokens/secret-manager-key-source';
import { TtlCache } from '../../tokens/ttl-cache';
import type { WebhookSecretConfig } from '../events-config';
import { generateWebhookSecret, parseWebhookSecret } from './webhook-signature';

/** The key deliveries are signed with. */
export interface WebhookSecretSource {
  current(): Promise<Buffer>;
}

/** The secret in Secret Manager holds something that is not a `whsec_` secret: every delivery waits for an operator. */
export class WebhookSecretMisconfigured extends Error {
  constructor(version: string) {
    super(`Version ${version} of the webhook secret is not a whsec_ secret (whsec_ and the base64 of 24 to 64 bytes)`);
    this.name = 'WebhookSecretMisconfigured';
  }
}

/** A new version reaches deliveries within this long: rotate by adding a version, receivers accepting both for a while. */
export const WEBHOOK_SECRET_CACHE_SECONDS = 300;

/**
 * Secret Manager `latest`, read with the SDK at call time and kept for five minutes, like the
 * token key (tokens/secret-manager-key-source.ts: the same client, retries and timeouts).
 */
export function secretManagerWebhookSecret(options: { client: SecretVersionAccessor; secret: string; now?: () => number }): WebhookSecretSource {
  const cache = new TtlCache<Buffer>(options.now ?? Date.now);
  const settings = { client: options.client, callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS, retry: DEFAULT_SECRET_MANAGER_RETRY, retryDeps: {} };
  return {
    current: () =>
      cache.get('latest', WEBHOOK_SECRET_CACHE_SECONDS * 1000, async () => {
        const { version, payload } = await accessSecretPayload(settings, `${options.secret}/versions/latest`);
        const key = parseWebhookSecret(Buffer.from(payload).toString('utf8'));
        if (!key) throw new WebhookSecretMisconfigured(version);
        return key;
      }),
  };
}

/** Local development: a file holding the `whsec_` secret (`npm start` writes `.local/webhook-secret`). Read and checked now. */
export function fileWebhookSecret(path: string): WebhookSecretSource {
  const key = readSecretFile(path, 'USER_EVENTS_WEBHOOK_SECRET_FILE', parseWebhookSecret, 'a whsec_ secret on one line');
  return { current: async () => key };
}

export function webhookSecretFromConfig(config: WebhookSecretConfig): WebhookSecretSource {
  if (config.kind === 'file') return fileWebhookSecret(config.path);
  return secretManagerWebhookSecret({ client: lazySecretManagerClient({ emulatorHost: config.emulatorHost }), secret: config.secret });
}

/** Writes a fresh secret file (mode 0600) unless one exists: receivers may already trust the one there. */
export function generateWebhookSecretFile(path: string): 'created' | 'exists' {
  return writeSecretFileOnce(path, `${generateWebhookSecret()}\n`);
}
