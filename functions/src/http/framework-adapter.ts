import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { AppError, isAppError } from '../errors/app-error';
import { describeError, type Logger } from '../logging/logger';
import { leaveFrameworkDomain } from '../wiring/framework-domain';
import { errorReply } from './error-reply';
import type { HttpHandler, HttpReply, HttpRequest } from './types';
import { installBodyParserErrorReplies } from './body-parser-errors';
import { corsAware, type CorsPolicy } from './cors';
import { send } from './send-reply';

export interface HttpFunctionOptions {
  /** Set for the functions a web page calls: which origins may, and the function's method (docs/api.md, CORS). */
  cors?: CorsPolicy;
}

/**
 * Adapts a product HttpHandler to functions-framework: the one place where thrown errors become
 * HTTP answers. AppErrors map through `errorReply`; anything else is a bug, logged for the
 * operator (name and status only, never the message, which may quote a secret) and answered 500.
 */
export function toHttpFunction(handler: HttpHandler, logger: Logger, options: HttpFunctionOptions = {}): HttpFunction {
  const fail = (error: unknown) => replyForFailure(error, logger);
  const answer = options.cors ? corsAware(handler, options.cors, fail) : handler;
  return async (req: Request, res: Response) => {
    leaveFrameworkDomain();
    installBodyParserErrorReplies(req.app, logger);
    const reply = await answer(toHttpRequest(req)).catch(fail);
    send(res, reply);
  };
}

export function replyForFailure(error: unknown, logger: Logger): HttpReply {
  if (isAppError(error)) {
    const reply = errorReply(error);
    const fields = { errorCode: error.code, httpStatus: reply.status, ...(error.cause ? { cause: describeError(error.cause) } : {}) };
    if (reply.status < 500) logger.info('Request rejected', fields);
    else if (error.operatorAlerted) logger.warn(error.message, fields);
    else logger.error(error.message, fields);
    return reply;
  }
  logger.error('Unexpected failure', { errorCode: 'internal', ...describeError(error) });
  return errorReply(new AppError('internal', 'Something went wrong on our side. Try again later.'));
}

function toHttpRequest(req: Request): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: req.method, headers, rawBody: Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0) };
}
