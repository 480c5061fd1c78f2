import { CheckReport, NOT_RUN } from '../../conformance/check-report';

describe('the conformance report', () => {
  function collect(): { report: CheckReport; printed: string[] } {
    const printed: string[] = [];
    return { report: new CheckReport((line) => printed.push(line)), printed };
  }

  it('counts PASS and FAIL lines from either language and shows every other line as it is', () => {
    const { report, printed } = collect();
    for (const line of ['PASS  python x > a', 'FAIL  python x > b: why', 'Traceback (most recent call last):', 'PASSING remark', '']) report.line(line);
    expect(report.passed).toBe(1);
    expect(report.failures).toEqual(['FAIL  python x > b: why']);
    expect(report.total).toBe(2);
    expect(printed).toHaveLength(5);
  });

  it('reports a failing check with its error and fails the checks that build on it without running them', async () => {
    const { report, printed } = collect();
    const section = report.section('node s');
    const first = await section.check('first', () => {
      throw new TypeError('boom');
    });
    let ran = false;
    const second = await section.check('second', () => (ran = true), [first]);
    const third = await section.check('third', async () => 42);
    expect([first, second, third]).toEqual([NOT_RUN, NOT_RUN, 42]);
    expect(ran).toBe(false);
    expect(printed).toEqual(['FAIL  node s > first: TypeError: boom', 'FAIL  node s > second: not run: a check it builds on failed', 'PASS  node s > third']);
    expect(report.total).toBe(3);
  });
});
