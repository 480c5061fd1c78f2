import * as grpc from '@grpc/grpc-js';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';

export interface SecretManagerClientOptions {
  /** `host:port` of a plaintext local Secret Manager (SECRET_MANAGER_EMULATOR_HOST); unset: Google. */
  emulatorHost?: string | undefined;
}

/**
 * The Secret Manager client, pointed at Google (application default credentials) or, for tests
 * and the local stack, at a plaintext local server without credentials.
 *
 * The insecure credentials and the `grpc` module the client uses come from the same import, so the
 * channel accepts them even if npm ever installs two copies of @grpc/grpc-js.
 * Telemetry logging is off: the library can be switched to log calls by an environment variable,
 * and this client's answers are encryption keys.
 */
export function createSecretManagerClient(options: SecretManagerClientOptions = {}): SecretManagerServiceClient {
  if (options.emulatorHost === undefined) return new SecretManagerServiceClient({ enableTelemetryLogging: false });
  const { host, port } = splitHostPort(options.emulatorHost);
  return new SecretManagerServiceClient({
    apiEndpoint: host,
    port,
    grpc,
    sslCreds: grpc.credentials.createInsecure(),
    // Stated so the library does not look for credentials (and probe for a metadata server) only to learn it.
    universeDomain: 'googleapis.com',
    enableTelemetryLogging: false,
  });
}

function splitHostPort(hostPort: string): { host: string; port: number } {
  const separator = hostPort.lastIndexOf(':');
  const port = Number(hostPort.slice(separator + 1));
  if (separator <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new TypeError(`SECRET_MANAGER_EMULATOR_HOST must be host:port, got ${JSON.stringify(hostPort)}`);
  }
  return { host: hostPort.slice(0, separator), port };
}
