/**
 * functions-framework runs every invocation inside a Node `domain` (a deprecated module), and a
 * domain makes every promise, timer and socket created under it pay for async-hook bookkeeping.
 * Measured with `npm run bench`: about a third of the exchange's CPU per request and of the
 * worker's JavaScript time. Our handlers already turn every failure into an answer themselves
 * (framework-adapter.ts, run-batch.ts), so the domain only adds cost: each invocation leaves it
 * before doing any work. An exception nobody catches then ends the instance, which is what Node
 * recommends over carrying on after one; Cloud Run starts another.
 */
export function leaveFrameworkDomain(): void {
  // `process.domain` is set by the domain module and missing from @types/node.
  (process as { domain?: { exit(): void } | null }).domain?.exit();
}
