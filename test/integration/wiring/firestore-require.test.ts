import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { newTestProjectId } from '../../support/function-process';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * In a child process (jest's module registry is not Node's): counts how often Node resolves
 * `google-gax/fallback` again while a client from `createFirestore` (the built functions/lib,
 * what is deployed) reads a document and then commits 20 updates against the emulator. A read
 * first is what the worker's lease and the exchange's transaction do, and it is the order in
 * which, unprimed, the client's per-commit `require` is resolved on every commit.
 */
const PROBE = `
const Module = require('node:module');
let resolutions = 0;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'google-gax/fallback') resolutions += 1;
  return resolve.call(this, request, ...rest);
};
const { createFirestore } = require(process.env.PROBE_WIRING);
const db = createFirestore({ projectId: process.env.PROBE_PROJECT });
(async () => {
  const ref = db.collection('require-probe').doc('user');
  await ref.get();
  await ref.set({ n: 0 });
  const before = resolutions;
  for (let n = 1; n <= 20; n += 1) await ref.update({ n });
  const stored = (await ref.get()).data();
  process.stdout.write(JSON.stringify({ resolutions: resolutions - before, stored }));
  await db.terminate();
})();
`;

describe("createFirestore: the client's per-commit require", () => {
  it('is resolved once, not again on each of 20 commits', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', PROBE], {
      cwd: ROOT,
      env: { ...process.env, PROBE_WIRING: join(ROOT, 'functions', 'lib', 'wiring', 'firestore.js'), PROBE_PROJECT: newTestProjectId('require') },
      timeout: 20_000,
    });
    const result = JSON.parse(stdout) as { resolutions: number; stored: { n: number } };
    expect(result.stored).toEqual({ n: 20 });
    expect(result.resolutions).toBe(0);
  });
});
