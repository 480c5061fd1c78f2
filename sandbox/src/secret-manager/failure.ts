import type { status } from '@grpc/grpc-js';

/** A failure the service answers with, as Google would: a gRPC status and its message. */
export class SecretManagerFailure extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'SecretManagerFailure';
  }
}
