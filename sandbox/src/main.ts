import { CliUsageError, parseSandboxArgs, USAGE } from './cli-args';
import { type SandboxGoogle, startSandboxGoogle } from './server';

/**
 * Runs the sandbox Google on its own, for `npm start` and demos. Prints where it listens (never the
 * client secret) and stops cleanly on Ctrl-C or SIGTERM.
 */
async function main(): Promise<void> {
  const options = parseSandboxArgs(process.argv.slice(2));
  const sandbox = await startSandboxGoogle({
    port: options.port,
    clients: [options.client],
    ...(options.refreshTokenLifetimeSeconds === undefined ? {} : { refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds }),
  });
  printBanner(sandbox, options.client.clientId);
  stopOnSignals(sandbox);
}

function printBanner(sandbox: SandboxGoogle, clientId: string): void {
  const { endpoints } = sandbox;
  console.log(`sandbox-google listening on ${sandbox.url}`);
  console.log(`  client id     ${clientId}`);
  console.log(`  token         ${endpoints.tokenUrl}`);
  console.log(`  revoke        ${endpoints.revokeUrl}`);
  console.log(`  certs (PEM)   ${endpoints.pemCertsUrl}`);
  console.log(`  certs (JWK)   ${endpoints.jwkCertsUrl}`);
  console.log(`  API root      ${endpoints.apiRootUrl}`);
  console.log(`  Photos Picker ${endpoints.photosPickerRootUrl}`);
  console.log(`  Photos Lib.   ${endpoints.photosLibraryRootUrl}`);
  console.log(`  admin         ${sandbox.url}/__admin/ (see sandbox/README.md)`);
}

function stopOnSignals(sandbox: SandboxGoogle): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    sandbox.close().then(
      () => {
        console.log(`sandbox-google stopped (${signal})`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`sandbox-google failed to stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof CliUsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`sandbox-google failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
