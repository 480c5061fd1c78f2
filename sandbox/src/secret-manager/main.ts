import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startLocalSecretManager } from './server';

/**
 * Runs the local Secret Manager until Ctrl-C.
 *   tsx sandbox/src/secret-manager/main.ts [--port 8086] [--seed projects/P/secrets/S]
 * --seed creates the secret with one version holding 32 random raw bytes, as `infra/` does for real
 * (`head -c 32 /dev/urandom | gcloud secrets versions add S --data-file=-`).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, seed: { type: 'string' } } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('--port must be a port number');
  const secretManager = await startLocalSecretManager({ port });
  console.log(`Local Secret Manager on ${secretManager.hostPort}`);
  console.log(`  SECRET_MANAGER_EMULATOR_HOST=${secretManager.hostPort}`);
  if (values.seed !== undefined) {
    const version = secretManager.addVersion(values.seed, randomBytes(32));
    console.log(`  TOKEN_KEY_SECRET=${values.seed}   (version ${version}: 32 random bytes)`);
  }
  const stop = (): void => {
    void secretManager.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
