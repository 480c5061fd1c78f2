/**
 * functions-framework (5.x, `function_wrappers.js`) runs every invocation inside a new Node
 * `domain` (a deprecated module). The first Domain ever created switches on the domain module's
 * async hook for the whole process, for good: from then on every promise, timer and socket pays
 * for an init hook, a property definition, a map entry and a destroy hook (V8 weak callbacks),
 * whether or not a domain is active. Measured with `npm run bench` (bench/README.md, issue 13):
 * about a sixth of the worker's JavaScript thread, with more garbage collection on top; Node's
 * own issue says 20-30% on an Express server (nodejs/node#50480).
 *
 * Nothing here needs the domain: every handler turns its failures into answers itself
 * (framework-adapter.ts, run-batch.ts), and an exception nobody catches ends the instance through
 * the framework's `uncaughtException` / `unhandledRejection` handlers, which is what Node
 * recommends over carrying on after one; Cloud Run starts another instance.
 *
 * So `installPassThroughDomain` (called once, before the framework serves anything) makes
 * `domain.create()` return one object that has what the framework's wrappers use of a domain and
 * does nothing else: `on` ignores the error listener, `run(fn)` calls `fn`. The CloudEvent wrapper
 * reads `process.domain.bind(done)` in the tick that `fn` schedules (`process.nextTick`), so `run`
 * leaves `process.domain` pointing at this object until a tick queued after `fn`'s has run, and
 * `bind` returns the callback unchanged. No real Domain is ever created, so the hook stays off.
 */
interface DomainModule {
  create: () => unknown;
  createDomain: () => unknown;
}

interface ProcessWithDomain {
  domain?: unknown;
}

const processWithDomain = process as unknown as ProcessWithDomain;

/** What functions-framework's wrappers use of a Domain, doing nothing. */
export class PassThroughDomain {
  private pendingRuns = 0;

  on(): this {
    return this;
  }

  run<T>(fn: () => T): T {
    this.pendingRuns += 1;
    processWithDomain.domain = this;
    try {
      return fn();
    } finally {
      // Queued after whatever `fn` queued, so the framework's tick still finds `process.domain`.
      process.nextTick(() => this.endRun());
    }
  }

  bind<F>(callback: F): F {
    return callback;
  }

  /** Only reached if a rejection nobody handles happened while `process.domain` was this object:
   * rethrown, so it ends the instance as it would have with no domain at all. */
  emit(event: string, error?: unknown): boolean {
    if (event === 'error') throw error;
    return false;
  }

  exit(): void {
    // Nothing was entered.
  }

  private endRun(): void {
    this.pendingRuns -= 1;
    if (this.pendingRuns === 0 && processWithDomain.domain === this) processWithDomain.domain = null;
  }
}

let installed: PassThroughDomain | undefined;

/** Makes every later `domain.create()` in this process return the pass-through (idempotent). */
export function installPassThroughDomain(): PassThroughDomain {
  if (installed) return installed;
  const passThrough = new PassThroughDomain();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, not an import's copy of it
  const domainModule = require('node:domain') as DomainModule;
  domainModule.create = domainModule.createDomain = () => passThrough;
  installed = passThrough;
  return passThrough;
}
