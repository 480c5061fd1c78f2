import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThroughDomain } from '../../../functions/src/wiring/framework-domain';

const ROOT = join(__dirname, '..', '..', '..');

/** A Pub/Sub push, as the emulator (and a push subscription) sends it to a CloudEvent function. */
function push(data: string): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: { data: Buffer.from(data).toString('base64'), messageId: `m-${data}` }, subscription: 'projects/p/subscriptions/s' }),
  };
}

interface Probe {
  /** `process.domain` inside each probe function's own code: 'none', 'pass-through' or 'Domain'. */
  seen: string[];
  /** What `domain.create()` returns in that process. */
  created: string;
  now: string;
}

// functions-framework's own server, with the pass-through installed as functions/src/index.ts does,
// in a child process: jest's sandboxed `process` cannot carry `process.domain`.
describe('installPassThroughDomain, under functions-framework', () => {
  let child: ChildProcess;
  let urls: { event: string; http: string };
  const probe = async (): Promise<Probe> => (await (await fetch(urls.http)).json()) as Probe;

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'support', 'framework-domain-probe.ts')], {
      cwd: ROOT,
      // The framework's own warnings and crash lines are not what is checked here.
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const lines = createInterface({ input: child.stdout! });
    const [line] = (await once(lines, 'line')) as [string];
    urls = JSON.parse(line) as typeof urls;
  });

  afterAll(() => {
    child.kill('SIGKILL');
  });

  it('makes domain.create() return the pass-through, so no Domain (and no process-wide async hook) is ever made', async () => {
    expect((await probe()).created).toBe('pass-through');
  });

  it("lets the framework's CloudEvent wrapper bind its callback: 50 pushes at once are each answered 204, with no domain active in the function", async () => {
    const before = (await probe()).seen.length;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => fetch(urls.event, push(`ok-${i}`))));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(204));
    const after = await probe();
    expect(after.seen.slice(before)).toEqual(Array(50).fill('none'));
    expect(after.now).toBe('none');
  });

  it("still answers a CloudEvent function's rejection with the framework's 500, and serves the next push", async () => {
    expect((await fetch(urls.event, push('fail'))).status).toBe(500);
    expect((await fetch(urls.event, push('after'))).status).toBe(204);
  });

  it('serves HTTP functions with no real Domain active in them', async () => {
    const before = (await probe()).seen.length;
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(urls.http, { method: 'POST' })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const after = await probe();
    expect(after.seen.slice(before).filter((d) => d !== 'none')).toEqual([]);
  });
});

describe('PassThroughDomain', () => {
  it('rethrows an error a rejection would have sent to the domain, as Node does with no domain at all', () => {
    const boom = new Error('unhandled');
    expect(() => new PassThroughDomain().emit('error', boom)).toThrow(boom);
  });

  it('hands bind its callback back unchanged', () => {
    const callback = () => 1;
    expect(new PassThroughDomain().bind(callback)).toBe(callback);
  });
});
