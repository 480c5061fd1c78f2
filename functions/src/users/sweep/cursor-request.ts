import { AppError } from '../../errors/app-error';
import { parseFormOrJson } from '../../http/parse-form-or-json';
import { requireBodyWithin, requireMethod } from '../../http/request-guards';
import type { HttpRequest } from '../../http/types';

/**
 * The request of a resumable operator call: `POST` with no body (start) or
 * `{"cursor": "<nextCursor of the previous answer>"}` (resume). No CSRF header: only principals an
 * operator granted run.invoker reach these functions, and a browser cannot attach their identity
 * token to a cross-site request.
 */
export function readCursorRequest<T>(request: HttpRequest, decode: (text: string) => T | undefined, start: T): T {
  requireMethod(request, ['POST']);
  requireBodyWithin(request);
  if (request.rawBody.length === 0) return start;
  const cursor = parseFormOrJson(request).cursor;
  if (cursor === undefined || cursor === null) return start;
  if (typeof cursor !== 'string') throw new AppError('invalid_request', 'The "cursor" must be the string a previous call answered with.');
  const decoded = decode(cursor);
  if (!decoded) throw new AppError('invalid_request', 'The "cursor" is not one this function issued.');
  return decoded;
}
