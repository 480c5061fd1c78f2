import type { Response } from '@google-cloud/functions-framework';
import type { HttpReply } from './types';

/** Writes a reply; every answer is `no-store` because answers describe one user's grant. */
export function send(res: Response, reply: HttpReply): void {
  res.status(reply.status);
  res.set({ 'cache-control': 'no-store', ...reply.headers });
  if (reply.body === undefined) {
    res.end();
    return;
  }
  res.type('application/json').send(JSON.stringify(reply.body));
}
