/**
 * The conformance run's one output format, shared by its Node and Python halves:
 * `PASS  <section> > <check>` or `FAIL  <section> > <check>: <why>`, one line each
 * (test/conformance/python/harness.py prints the same). Lines are counted as they go by; any other
 * line (a library's warning, a traceback) is shown as it is and counts for nothing.
 */
const CHECK_LINE = /^(PASS|FAIL) {2}\S/;

/** What a check that could not run (because one it builds on failed) resolves to. */
export const NOT_RUN: unique symbol = Symbol('not run');
export type Outcome<T> = T | typeof NOT_RUN;

/** The value of a check that ran; only called where `needs` already made sure of that. */
export function ran<T>(outcome: Outcome<T>): T {
  if (outcome === NOT_RUN) throw new Error('used the result of a check that did not run');
  return outcome;
}

export class CheckReport {
  passed = 0;
  readonly failures: string[] = [];

  constructor(private readonly print: (line: string) => void = console.log) {}

  get total(): number {
    return this.passed + this.failures.length;
  }

  line(text: string): void {
    this.print(text);
    const match = CHECK_LINE.exec(text);
    if (!match) return;
    if (match[1] === 'PASS') this.passed += 1;
    else this.failures.push(text);
  }

  section(name: string): CheckSection {
    return new CheckSection(name, this);
  }
}

export class CheckSection {
  constructor(
    private readonly name: string,
    private readonly report: CheckReport,
  ) {}

  /** Runs one check; a failure is reported (its error's name and message only), never thrown. */
  async check<T>(name: string, run: () => Promise<T> | T, needs: readonly unknown[] = []): Promise<Outcome<T>> {
    if (needs.includes(NOT_RUN)) {
      this.report.line(`FAIL  ${this.name} > ${name}: not run: a check it builds on failed`);
      return NOT_RUN;
    }
    try {
      const result = await run();
      this.report.line(`PASS  ${this.name} > ${name}`);
      return result;
    } catch (error) {
      this.report.line(`FAIL  ${this.name} > ${name}: ${describe(error)}`);
      return NOT_RUN;
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const text = `${error.name}: ${error.message}`.replace(/\s+/g, ' ');
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** A failed expectation of a check, with what was expected and what came. */
export function expectEqual(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

export function expectThat(condition: unknown, message: string): void {
  if (!condition) throw new Error(message);
}
