import { runCommand } from '../../../scripts/lib/run-command';

describe('runCommand', () => {
  it('hands over whole lines, however the output is chunked, and the exit code', async () => {
    const lines: string[] = [];
    // Half a line, a pause, the rest: a reader splitting chunks would see three lines.
    const script = "process.stdout.write('PASS  a'); setTimeout(() => { process.stdout.write(' > b\\nlast'); process.exitCode = 3; }, 50)";
    const result = await runCommand(process.execPath, ['-e', script], { timeoutMs: 10_000, onLine: (line) => lines.push(line) });
    expect(result).toEqual({ code: 3, timedOut: false });
    expect(lines).toEqual(['PASS  a > b', 'last']);
  });

  it('kills a command that outlives its timeout and says so', async () => {
    const result = await runCommand(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { timeoutMs: 200 });
    expect(result).toEqual({ code: null, timedOut: true });
  });

  it('names a command that is not installed', async () => {
    await expect(runCommand('no-such-command-here', [], { timeoutMs: 1000 })).rejects.toThrow('no-such-command-here was not found');
  });
});
