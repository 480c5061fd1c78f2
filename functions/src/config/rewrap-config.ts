import { type Env, nonNegativeInt, parseEnv, positiveInt } from './env-schema';

export interface RewrapConfig {
  /** Users read (and re-sealed) per Firestore query page. */
  pageSize: number;
  /** A call stops starting new pages after this long and answers with a cursor to resume from. */
  budgetSeconds: number;
  /**
   * Added to the time a new version needs before a pass can count (TOKEN_KEY_CACHE_SECONDS): a
   * token an instance sealed under the old version just before that moment may still be on its
   * way to Firestore. A function's timeout bounds that time (the exchange's: 60 s), and the margin
   * also absorbs clock skew between Secret Manager and the functions.
   */
  settleMarginSeconds: number;
}

/** A page's writes go through one BulkWriter; 500 keeps a page well inside one call's memory. */
const MAX_PAGE_SIZE = 500;

export const shape = {
  REWRAP_PAGE_SIZE: positiveInt(200),
  REWRAP_BUDGET_SECONDS: positiveInt(300),
  REWRAP_SETTLE_MARGIN_SECONDS: nonNegativeInt(60),
};

export function loadRewrapConfig(env: Env = process.env): RewrapConfig {
  const vars = parseEnv(shape, env);
  return {
    pageSize: Math.min(vars.REWRAP_PAGE_SIZE, MAX_PAGE_SIZE),
    budgetSeconds: vars.REWRAP_BUDGET_SECONDS,
    settleMarginSeconds: vars.REWRAP_SETTLE_MARGIN_SECONDS,
  };
}
