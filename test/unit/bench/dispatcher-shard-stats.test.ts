import { maxDisplacement, steadyRate } from '../../../bench/suites/dispatcher/shard-stats';

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

  it('the held claim rate counts only the claims after the first page, so the limiter\'s initial burst does not inflate it', () => {
    // 100 claims/s, pages of 500: the first page has 100 tokens at once and waits 4 s for the rest,
    // every later page takes 5 s; a page's users are published together when it is claimed.
    const pages = [4, 9, 14, 19, 24];
    const published = pages.flatMap((t) => Array.from({ length: 500 }, (_, i) => 1_000 + t + i * 1e-4));
    expect(steadyRate(published, 500)).toBeCloseTo(100, 0);
    // Order does not matter; a shard of one page has no steady rate.
    expect(steadyRate([...published].reverse(), 500)).toBeCloseTo(100, 0);
    expect(steadyRate(published.slice(0, 500), 500)).toBeUndefined();
    // A limiter that let the later pages through twice as fast is caught.
    const fast = [4, 6.5, 9, 11.5, 14].flatMap((t) => Array.from({ length: 500 }, () => t));
    expect(steadyRate(fast, 500)).toBeCloseTo(200, 6);
  });
});
