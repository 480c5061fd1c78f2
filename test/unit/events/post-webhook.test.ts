import { classifyAnswer } from '../../../functions/src/events/webhook/post-webhook';

describe('what a webhook answer means for the delivery', () => {
  it.each([200, 201, 202, 204, 299])('%i: delivered', (status) => {
    expect(classifyAnswer(status).kind).toBe('delivered');
  });

  it.each([400, 401, 403, 404, 410, 413, 422, 499])('%i: permanent, dead-lettered without a retry', (status) => {
    expect(classifyAnswer(status)).toEqual({ kind: 'permanent', status, reason: `http_${status}` });
  });

  it.each([301, 302, 303, 307, 308])('%i: a redirect is never followed, and is permanent', (status) => {
    expect(classifyAnswer(status)).toEqual({ kind: 'permanent', status, reason: 'redirect_not_followed' });
  });

  it.each([408, 429, 500, 502, 503, 504, 100])('%i: transient, Pub/Sub delivers it again', (status) => {
    expect(classifyAnswer(status)).toEqual({ kind: 'transient', status, reason: `http_${status}` });
  });
});
