import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, startFunctionUnderTest } from '../../support/function-process';
import { startTestSandbox } from '../../support/sandbox';

/**
 * A deployed function's log lines carry the request's trace (Cloud Logging's special fields), from
 * either header form Google's front end sends; a malformed header gives none and is never echoed.
 */
describe('log lines carry the trace of the request they were written for', () => {
  let sandbox: SandboxGoogle;
  let fn: FunctionUnderTest;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    fn = await startFunctionUnderTest('exchangeAuthCode', sandbox);
  });
  afterAll(async () => {
    await fn?.stop();
    await sandbox?.close();
  });

  /**
   * A request the exchange rejects without calling Google (no X-Requested-With, so 403), and the
   * JSON lines it logged. Lines reach this process through a pipe, after the answer may have: each
   * call waits for its own request's last line, and only 403 lines count (the lines of any other
   * request the instance served, such as a start-up probe, can still be in flight).
   */
  async function linesFor(headers: Record<string, string>): Promise<Record<string, unknown>[]> {
    const before = fn.logs.length;
    const response = await fetch(fn.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    expect(response.status).toBe(403);
    await response.text();
    const lines = () =>
      fn.logs
        .slice(before)
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.httpStatus === 403);
    const deadline = Date.now() + 5000;
    while (!lines().some((line) => line.message === 'Request answered') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return lines();
  }

  const TRACE = 'a3ce929d0e0e47364bf92f3577b34da6';

  it('from traceparent', async () => {
    const lines = await linesFor({ traceparent: `00-${TRACE}-00f067aa0ba902b7-01` });
    expect(lines.map((l) => l.message)).toEqual(['Request rejected', 'Request answered']);
    for (const line of lines) {
      expect(line).toMatchObject({
        'logging.googleapis.com/trace': `projects/${fn.projectId}/traces/${TRACE}`,
        'logging.googleapis.com/spanId': '00f067aa0ba902b7',
        'logging.googleapis.com/trace_sampled': true,
      });
    }
    expect(lines[1]).toMatchObject({ httpStatus: 403, answer: 'csrf_header_missing' });
  });

  it('from X-Cloud-Trace-Context when it is the only one', async () => {
    const lines = await linesFor({ 'x-cloud-trace-context': `${TRACE}/12345;o=0` });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({
        'logging.googleapis.com/trace': `projects/${fn.projectId}/traces/${TRACE}`,
        'logging.googleapis.com/spanId': '0000000000003039',
        'logging.googleapis.com/trace_sampled': false,
      });
    }
  });

  it.each([
    ['traceparent', '00-ya29.a0Leaked-00f067aa0ba902b7-01'],
    ['x-cloud-trace-context', `${TRACE}/1;o=1 ya29.a0Leaked`],
  ])('none from a malformed %s, which is never echoed', async (name, value) => {
    const lines = await linesFor({ [name]: value });
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(Object.keys(line).filter((key) => key.startsWith('logging.googleapis.com/'))).toEqual([]);
    expect(fn.logs.join('\n')).not.toContain('ya29.a0Leaked');
  });

  it('a body that does not parse is logged with its trace too', async () => {
    const before = fn.logs.length;
    const headers = { 'content-type': 'application/json', 'x-requested-with': 'com.example.app', traceparent: `00-${TRACE}-00f067aa0ba902b7-01` };
    const response = await fetch(fn.url, { method: 'POST', headers, body: '{not json' });
    expect(response.status).toBe(400);
    await response.text();
    const deadline = Date.now() + 5000;
    const rejected = () => fn.logs.slice(before).find((line) => line.includes('Request rejected'));
    while (!rejected() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(JSON.parse(rejected()!)).toMatchObject({ errorCode: 'invalid_request', 'logging.googleapis.com/trace': `projects/${fn.projectId}/traces/${TRACE}` });
  });

  it('none without a trace header', async () => {
    const lines = await linesFor({});
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.stringify(line)).not.toContain('logging.googleapis.com/');
  });
});
