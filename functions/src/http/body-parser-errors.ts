import type { Application, NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error';
import { withLogContext } from '../logging/log-context';
import type { Logger } from '../logging/logger';
import { traceFields } from '../logging/trace-context';
import { errorReply } from './error-reply';
import { send } from './send-reply';

const installed = new WeakSet<object>();

/**
 * functions-framework parses bodies before our handler runs and, on malformed JSON, hands the
 * error to Express's default handler (an HTML page, with a stack trace outside production).
 * Appending an error middleware to the framework's app routes those failures to our error shape.
 * The framework gives no hook before the first request, so this is installed on the first call
 * an instance receives; later requests get the product's JSON errors (documented in docs/api.md).
 */
export function installBodyParserErrorReplies(app: Application | undefined, logger: Logger, traceProject?: string): void {
  if (!app || installed.has(app)) return;
  installed.add(app);
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const appError = toAppError(error);
    const trace = traceFields({ traceparent: header(req, 'traceparent'), 'x-cloud-trace-context': header(req, 'x-cloud-trace-context') }, traceProject);
    withLogContext(trace, () => logger.info('Request rejected by the body parser', { errorCode: appError.code }));
    send(res, errorReply(appError));
  });
}

function toAppError(error: unknown): AppError {
  const status = (error as { status?: unknown }).status;
  if (status === 413) return new AppError('payload_too_large', 'The request body is too large.');
  if (status === 415) return new AppError('unsupported_media_type', 'The body encoding or charset is not supported.');
  return new AppError('invalid_request', 'The body could not be parsed.');
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
