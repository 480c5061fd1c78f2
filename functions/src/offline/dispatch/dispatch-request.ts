import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import { mediaType } from '../../http/request-guards';
import type { HttpRequest } from '../../http/types';
import { shardMessageSchema } from '../shard-message';

export type DispatchRequest = { kind: 'tick' } | { kind: 'shard'; shard: number };

/** What Pub/Sub push POSTs for a message on DISPATCH_TOPIC (data is base64). */
const pushEnvelopeSchema = z.object({
  message: z.looseObject({ data: z.base64() }),
  subscription: z.string().optional(),
});

const tickSchema = z.strictObject({});

/**
 * The dispatcher's body: none or `{}` is a tick (Cloud Scheduler); `{"shard": s}` claims one shard
 * (an operator); a Pub/Sub push envelope whose data is `{"shard": s}` claims one shard (the
 * dispatch topic). Anything else is a 400 `invalid_request`; the shard's range is checked later,
 * against the due index.
 */
export function parseDispatchRequest(request: HttpRequest): DispatchRequest {
  if (request.rawBody.toString('utf8').trim() === '') return { kind: 'tick' };
  if (mediaType(request) !== 'application/json') throw new AppError('unsupported_media_type', 'Send no body, or application/json.');
  const body = parseJson(request.rawBody);
  if (tickSchema.safeParse(body).success) return { kind: 'tick' };
  const direct = shardMessageSchema.safeParse(body);
  if (direct.success) return { kind: 'shard', shard: direct.data.shard };
  const envelope = pushEnvelopeSchema.safeParse(body);
  if (envelope.success) {
    const pushed = shardMessageSchema.safeParse(parseJson(Buffer.from(envelope.data.message.data, 'base64')));
    if (pushed.success) return { kind: 'shard', shard: pushed.data.shard };
  }
  throw new AppError('invalid_request', 'Send no body or {} for a tick, or {"shard": <whole number>} for one shard.');
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) as unknown;
  } catch {
    throw new AppError('invalid_request', 'The body is not valid JSON.');
  }
}
