import { type Env, parseEnv, positiveInt } from './env-schema';

export interface RewrapConfig {
  /** Users read (and re-sealed) per Firestore query page. */
  pageSize: number;
  /** A call stops starting new pages after this long and answers with a cursor to resume from. */
  budgetSeconds: number;
}

/** A page's writes go through one BulkWriter; 500 keeps a page well inside one call's memory. */
const MAX_PAGE_SIZE = 500;

const shape = {
  REWRAP_PAGE_SIZE: positiveInt(200),
  REWRAP_BUDGET_SECONDS: positiveInt(300),
};

export function loadRewrapConfig(env: Env = process.env): RewrapConfig {
  const vars = parseEnv(shape, env);
  return { pageSize: Math.min(vars.REWRAP_PAGE_SIZE, MAX_PAGE_SIZE), budgetSeconds: vars.REWRAP_BUDGET_SECONDS };
}
