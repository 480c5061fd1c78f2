import { withLogContext } from '../../../functions/src/logging/log-context';
import { createLogger, errorReport } from '../../../functions/src/logging/logger';
import { replyForFailure } from '../../../functions/src/http/framework-adapter';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, logger: createLogger({ function: 'f' }, (line) => lines.push(JSON.parse(line) as Record<string, unknown>)) };
}

describe('the logger', () => {
  it('adds the fields of the enclosing work to every line, nested contexts adding to it', async () => {
    const { lines, logger } = capture();
    await withLogContext({ messageId: 'm-1' }, async () => {
      logger.info('one');
      await withLogContext({ userId: 'u-1' }, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        logger.child({ job: 'j' }).warn('two', { n: 2 });
      });
      logger.info('three');
    });
    logger.info('outside');
    expect(lines).toEqual([
      { severity: 'INFO', message: 'one', function: 'f', messageId: 'm-1' },
      { severity: 'WARNING', message: 'two', function: 'f', messageId: 'm-1', userId: 'u-1', job: 'j', n: 2 },
      { severity: 'INFO', message: 'three', function: 'f', messageId: 'm-1' },
      { severity: 'INFO', message: 'outside', function: 'f' },
    ]);
  });

  it('redacts secret-looking fields of the context too', () => {
    const { lines, logger } = capture();
    withLogContext({ refreshToken: '1//0secret' }, () => logger.info('x'));
    expect(lines[0]).toMatchObject({ refreshToken: '[redacted]' });
  });
});

describe('errors for Error Reporting', () => {
  function thrownAt(error: Error): Error {
    return error;
  }

  it('gives the name and the stack frames, never the message', () => {
    const report = errorReport(thrownAt(new TypeError('bad token ya29.a0secret')));
    expect(report.errorName).toBe('TypeError');
    const stack = report.stack_trace as string;
    expect(stack.split('\n')[0]).toBe('TypeError');
    expect(stack.split('\n')[1]).toMatch(/^ {4}at .+logger\.test\.ts:\d+:\d+\)?$/);
    expect(stack).not.toContain('ya29');
    expect(stack).not.toContain('bad token');
  });

  it('drops a multi-line message, even one that looks like stack frames', () => {
    const error = new Error('first line\n    at leak (4/0AY0e-code)\n    at ya29.token');
    const stack = errorReport(error).stack_trace as string;
    expect(stack).not.toMatch(/leak|4\/0|ya29/);
    expect(stack.split('\n').length).toBeGreaterThan(2);
  });

  it('drops the message when it changed after the stack was captured', () => {
    const error = new Error('quoting 4/0AY0e-code\n    at ya29.token (x)');
    error.message = 'something else';
    const stack = errorReport(error).stack_trace as string;
    expect(stack).not.toMatch(/4\/0|ya29/);
    expect(stack.split('\n').slice(1).every((line) => /^ {4}at .+:\d+:\d+\)?$/.test(line))).toBe(true);
  });

  it('keeps only lines shaped like V8 frames', () => {
    const error = new Error('m');
    error.stack = 'Error: m\n    at fn (/srv/app/lib/a.js:1:2)\n    at /srv/app/lib/b.js:3:4\n    at node:internal/x:5:6\n    at leak ya29.token\n    at (4/0AY:1)';
    expect(errorReport(error).stack_trace).toBe('Error\n    at fn (/srv/app/lib/a.js:1:2)\n    at /srv/app/lib/b.js:3:4\n    at node:internal/x:5:6');
  });

  it('an unexpected failure of an HTTP handler is logged at ERROR with a stack_trace, without the message', () => {
    const { lines, logger } = capture();
    const reply = replyForFailure(new RangeError('code 4/0AX4XfWh-secret'), logger);
    expect(reply.status).toBe(500);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ severity: 'ERROR', errorCode: 'internal', errorName: 'RangeError', stack_trace: expect.stringMatching(/^RangeError\n {4}at /) });
    expect(JSON.stringify(lines)).not.toContain('4/0AX4XfWh');
  });

  it('something thrown that is not an Error has no stack to give', () => {
    expect(errorReport('ya29.token')).toEqual({ errorName: 'string' });
  });
});
