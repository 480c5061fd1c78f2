import { createWeightedBudget } from '../../../functions/src/concurrency/weighted-budget';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createWeightedBudget', () => {
  it('never holds more weight at once than its capacity, so small tasks share and large ones take turns', async () => {
    const budget = createWeightedBudget(100);
    let held = 0;
    let peak = 0;
    const task = (bytes: number) =>
      budget.use(bytes, async () => {
        held += bytes;
        peak = Math.max(peak, held);
        await tick();
        await tick();
        held -= bytes;
      });
    await Promise.all([60, 30, 10, 70, 20, 50, 5].map(task));
    expect(peak).toBeLessThanOrEqual(100);
    expect(peak).toBeGreaterThanOrEqual(60);
  });

  it('runs a task larger than the whole budget alone instead of never', async () => {
    const budget = createWeightedBudget(10);
    const events: string[] = [];
    const big = budget.use(1_000, async () => {
      events.push('big start');
      await tick();
      events.push('big end');
    });
    const small = budget.use(1, async () => events.push('small'));
    await Promise.all([big, small]);
    expect(events).toEqual(['big start', 'big end', 'small']);
  });

  it('serves waiters in arrival order: a large task is not starved by later small ones', async () => {
    const budget = createWeightedBudget(10);
    const order: string[] = [];
    const first = budget.use(6, async () => {
      await tick();
      order.push('first');
    });
    const large = budget.use(8, async () => order.push('large'));
    const small = budget.use(2, async () => order.push('small'));
    await Promise.all([first, large, small]);
    expect(order).toEqual(['first', 'large', 'small']);
  });

  it('releases the weight of a task that throws', async () => {
    const budget = createWeightedBudget(5);
    await expect(budget.use(5, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(budget.use(5, async () => 'ran')).resolves.toBe('ran');
  });
});
