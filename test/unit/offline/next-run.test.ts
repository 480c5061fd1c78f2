import { nextRegularRun, nextRunAfterFailure, nextRunAfterSuccess, PENDING_WORK_DELAY_SECONDS } from '../../../functions/src/offline/work/next-run';

const now = new Date('2026-11-26T12:00:00Z');
const after = (date: Date) => (date.getTime() - now.getTime()) / 1000;

describe('next run', () => {
  it('schedules a finished user one interval later, within ±10% jitter', () => {
    expect(after(nextRunAfterSuccess(now, 3600, true, () => 0))).toBe(3240);
    expect(after(nextRunAfterSuccess(now, 3600, true, () => 1))).toBe(3960);
    expect(after(nextRunAfterSuccess(now, 3600, true, () => 0.5))).toBe(3600);
  });

  it('after a failure only an operator can fix, waits the whole interval with the same jitter', () => {
    expect([0, 0.5, 1].map((r) => after(nextRegularRun(now, 3600, () => r)))).toEqual([3240, 3600, 3960]);
  });

  it('comes back soon when work is pending', () => {
    expect(after(nextRunAfterSuccess(now, 3600, false, () => 0.5))).toBe(PENDING_WORK_DELAY_SECONDS);
  });

  it('comes back when a job asks (a Picker session polling interval), never later than it would anyway, never within a second', () => {
    expect(after(nextRunAfterSuccess(now, 3600, true, () => 0.5, 5))).toBe(5);
    expect(after(nextRunAfterSuccess(now, 3600, false, () => 0.5, 5))).toBe(5);
    expect(after(nextRunAfterSuccess(now, 3600, false, () => 0.5, 600))).toBe(PENDING_WORK_DELAY_SECONDS);
    expect(after(nextRunAfterSuccess(now, 3600, true, () => 0.5, 0.2))).toBe(1);
    expect(after(nextRunAfterSuccess(now, 3600, true, () => 0.5, Number.NaN))).toBe(3600);
  });

  it('backs off exponentially after failures, capped at the interval', () => {
    const delays = [1, 2, 3, 4, 10].map((attempts) => after(nextRunAfterFailure(now, attempts, 3600, undefined, () => 1)));
    expect(delays).toEqual([60, 120, 240, 480, 3600]);
    expect(after(nextRunAfterFailure(now, 1, 3600, undefined, () => 0))).toBe(30);
  });

  it("never comes back before Google's Retry-After", () => {
    expect(after(nextRunAfterFailure(now, 1, 3600, 900_000, () => 0))).toBe(900);
  });
});
