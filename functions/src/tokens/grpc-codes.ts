/**
 * The gRPC status codes the key source reacts to. They are fixed by the gRPC spec, so they are
 * spelled out here rather than importing the gRPC runtime into code that only compares numbers.
 */
export const GRPC_CODE = {
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const NAMES = new Map<number, string>(Object.entries(GRPC_CODE).map(([name, code]) => [code, name]));

/** The gRPC status of an error from a Google client library, if it has one. */
export function grpcCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function grpcCodeName(code: number | undefined): string {
  if (code === undefined) return 'no gRPC status';
  return NAMES.get(code) ?? `gRPC status ${code}`;
}
