/** Thrown at start-up when configuration is missing or wrong; the message names every bad variable. */
export class ConfigError extends Error {
  readonly variables: readonly string[];

  constructor(problems: readonly { variable: string; problem: string }[]) {
    super(
      `Invalid configuration: ${problems.map((p) => `${p.variable} ${p.problem}`).join('; ')}`,
    );
    this.name = 'ConfigError';
    this.variables = problems.map((p) => p.variable);
  }
}
