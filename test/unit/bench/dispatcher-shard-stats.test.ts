import { cumulativeSlope, maxDisplacement } from '../../../bench/suites/dispatcher/shard-stats';

describe('dispatcher bench: per-shard figures', () => {
  const due = Array.from({ length: 1200 }, (_, i) => 1_000 + i * 7);

  it('an oldest-first dispatch, published page by page, is displaced by less than a page', () => {
    // Pages of 500 in due order; within a page the batches go out in any order (distinct times).
    const published = due.map((_, i) => Math.floor(i / 500) * 1e6 + ((i * 7919) % 500));
    expect(maxDisplacement(due, published)).toBeLessThan(500);
    // A page published in one millisecond is one tie: no displacement at all.
    expect(maxDisplacement(due, due.map((_, i) => Math.floor(i / 500)))).toBe(0);
  });

  it('a user published out of due order by more than a page is caught', () => {
    expect(maxDisplacement(due, due.map((d, i) => (i === 3 ? 1e12 : d)))).toBe(1196);
    expect(maxDisplacement(due, due.map((d) => -d))).toBe(1199);
  });

  it('the claim rate is the slope of cumulative publications, whatever the start and end', () => {
    const steady = Array.from({ length: 2000 }, (_, i) => 50 + i / 100);
    expect(cumulativeSlope(steady)).toBeCloseTo(100, 6);
    // A burst of 100 at the start (the limiter's first second of tokens) barely moves it.
    const withBurst = [...Array.from({ length: 100 }, () => 50), ...steady.map((t) => t + 0.01)];
    expect(cumulativeSlope(withBurst)).toBeGreaterThan(95);
    expect(cumulativeSlope(withBurst)).toBeLessThan(105);
    expect(cumulativeSlope([1])).toBe(0);
  });
});
