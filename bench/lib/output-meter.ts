/**
 * Lines and bytes each function process wrote (stdout and stderr): on Cloud Run every such line
 * becomes one Cloud Logging entry, so this is what the capacity model prices as logs.
 */
export interface OutputTotals {
  lines: number;
  bytes: number;
}

export class OutputMeter {
  private readonly totals = new Map<string, OutputTotals>();

  /** Feed every output line of function `fn` here. */
  line(fn: string, line: string): void {
    const totals = this.totals.get(fn) ?? { lines: 0, bytes: 0 };
    totals.lines += 1;
    totals.bytes += Buffer.byteLength(line, 'utf8') + 1;
    this.totals.set(fn, totals);
  }

  of(fn: string): OutputTotals {
    return { ...(this.totals.get(fn) ?? { lines: 0, bytes: 0 }) };
  }
}
