import { AppError } from '../errors/app-error';
import { parseFormOrJson } from '../http/parse-form-or-json';
import { requireBodyWithin, requireMethod } from '../http/request-guards';
import type { HttpRequest } from '../http/types';
import { decodeCursor, type RewrapCursor, START_CURSOR } from './rewrap-cursor';

/**
 * `POST` with no body (start a run) or `{"cursor": "<nextCursor of the previous answer>"}` (resume).
 * No CSRF header: only principals an operator granted run.invoker reach this function, and a
 * browser cannot attach their identity token to a cross-site request.
 */
export function readRewrapRequest(request: HttpRequest): RewrapCursor {
  requireMethod(request, ['POST']);
  requireBodyWithin(request);
  if (request.rawBody.length === 0) return START_CURSOR;
  const cursor = parseFormOrJson(request).cursor;
  if (cursor === undefined || cursor === null) return START_CURSOR;
  if (typeof cursor !== 'string') throw new AppError('invalid_request', 'The "cursor" must be the string a previous call answered with.');
  const decoded = decodeCursor(cursor);
  if (!decoded) throw new AppError('invalid_request', 'The "cursor" is not one this function issued.');
  return decoded;
}
