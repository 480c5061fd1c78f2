/** What every bench suite hands back: its raw numbers (for latest.json), its goals, and its table. */
export interface Goal {
  metric: string;
  /** The measured value, already rounded for the report. */
  value: number;
  goal: string;
  met: boolean;
}

export interface SuiteReport<Result = unknown> {
  suite: string;
  result: Result;
  goals: Goal[];
  /** A markdown section (heading, table, notes) for the printed report. */
  markdown: string;
  /** Invariants the suite found broken: the run records them as the suite's failure and exits non-zero. */
  violations?: string[];
}

export function atMost(metric: string, value: number, limit: number, unit = ''): Goal {
  return { metric, value, goal: `<= ${limit}${unit}`, met: value <= limit };
}

export function atLeast(metric: string, value: number, limit: number, unit = ''): Goal {
  return { metric, value, goal: `>= ${limit}${unit}`, met: value >= limit };
}

export function below(metric: string, value: number, limit: number, unit = ''): Goal {
  return { metric, value, goal: `< ${limit}${unit}`, met: value < limit };
}
