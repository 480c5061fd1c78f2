import { status, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { SecretManagerFailure } from './failure';
import type { FaultInjector } from './faults';
import type { SecretStore } from './store';

/** Request fields as proto-loader hands them over (camelCase, bytes as Buffer, int64 as string). */
interface Request {
  name?: string;
  parent?: string;
  secretId?: string;
  secret?: { labels?: Record<string, string> };
  payload?: { data?: Buffer; dataCrc32c?: string | null };
  pageSize?: number;
  pageToken?: string;
  filter?: string;
}

type Handler = (request: Request) => unknown;

export interface ServiceContext {
  store: SecretStore;
  faults: FaultInjector;
  /** Called with the method name of every call received, before faults apply. */
  onCall: (method: string) => void;
}

/**
 * The gRPC handlers of the methods the product and its tests use. Methods not listed here are
 * answered UNIMPLEMENTED by grpc-js.
 */
export function secretManagerImplementation(context: ServiceContext): UntypedServiceImplementation {
  const { store } = context;
  const handlers: Record<string, Handler> = {
    CreateSecret: (r) => store.createSecret(r.parent, r.secretId, r.secret?.labels),
    GetSecret: (r) => store.getSecret(r.name),
    DeleteSecret: (r) => {
      store.deleteSecret(r.name);
      return {};
    },
    AddSecretVersion: (r) => store.addVersion(r.parent, r.payload?.data ?? Buffer.alloc(0), r.payload?.dataCrc32c ?? undefined),
    GetSecretVersion: (r) => store.getVersion(r.name),
    AccessSecretVersion: (r) => {
      const accessed = store.accessVersion(r.name);
      return { name: accessed.name, payload: { data: accessed.data, dataCrc32c: String(accessed.crc32c) } };
    },
    ListSecretVersions: (r) => {
      if (r.filter) throw new SecretManagerFailure(status.INVALID_ARGUMENT, 'The local Secret Manager does not support filter.');
      return store.listVersions(r.parent, r.pageSize ?? 0, r.pageToken ?? '');
    },
    DisableSecretVersion: (r) => store.changeState(r.name, 'disable'),
    EnableSecretVersion: (r) => store.changeState(r.name, 'enable'),
    DestroySecretVersion: (r) => store.changeState(r.name, 'destroy'),
  };
  return Object.fromEntries(Object.entries(handlers).map(([method, handler]) => [method, unary(method, handler, context)]));
}

function unary(method: string, handler: Handler, context: ServiceContext) {
  return (call: ServerUnaryCall<Request, unknown>, callback: sendUnaryData<unknown>): void => {
    context.onCall(method);
    const fault = context.faults.take(method);
    if (fault?.kind === 'hang') return; // the client's deadline ends it
    if (fault?.kind === 'fail') {
      callback({ code: fault.code, details: `Injected fault: ${status[fault.code]}` });
      return;
    }
    try {
      const response = handler(call.request);
      callback(null, fault?.kind === 'corrupt' ? corrupted(response) : response);
    } catch (error) {
      if (error instanceof SecretManagerFailure) callback({ code: error.code, details: error.message });
      else callback({ code: status.INTERNAL, details: 'Internal error in the local Secret Manager.' });
    }
  };
}

/** Flips one bit of a payload, leaving its dataCrc32c as it was: what a damaged transfer looks like. */
function corrupted(response: unknown): unknown {
  const data = (response as { payload?: { data?: Buffer } }).payload?.data;
  if (data && data.length > 0) data[0] = (data[0] ?? 0) ^ 0x01;
  return response;
}
