import { dirname, join } from 'node:path';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/**
 * The real `google.cloud.secretmanager.v1.SecretManagerService`, loaded from the .proto files the
 * client package ships, with its own google-gax's protos (google/api, google/iam, google/rpc) on
 * the include path. Same definition as the client, so the wire format cannot drift.
 */
export function loadSecretManagerService(): ServiceDefinition {
  const clientRoot = dirname(require.resolve('@google-cloud/secret-manager/package.json'));
  const gaxProtos = join(dirname(require.resolve('google-gax', { paths: [clientRoot] })), '..', 'protos');
  const definition = loadSync('google/cloud/secretmanager/v1/service.proto', {
    includeDirs: [join(clientRoot, 'build', 'protos'), gaxProtos],
    // camelCase fields, enums by name, int64 as decimal strings; unset fields stay undefined so
    // proto3 `optional` presence (dataCrc32c) is visible.
    keepCase: false,
    enums: String,
    longs: String,
    defaults: false,
    oneofs: true,
  });
  const loaded = loadPackageDefinition(definition) as unknown as {
    google: { cloud: { secretmanager: { v1: { SecretManagerService: { service: ServiceDefinition } } } } };
  };
  return loaded.google.cloud.secretmanager.v1.SecretManagerService.service;
}
