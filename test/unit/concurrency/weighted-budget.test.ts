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

  it("lets a waiting task leave at its run's stop, rejecting with the stop's reason, and starts those behind it", async () => {
    const budget = createWeightedBudget(10);
    let release!: () => void;
    const holder = budget.use(8, () => new Promise<void>((resolve) => (release = resolve)));
    const stop = new AbortController();
    const stopped = budget.use(5, async () => 'ran', stop.signal);
    const behind = budget.use(2, async () => 'behind ran');
    await tick();
    const reason = new Error('hard stop');
    stop.abort(reason);
    await expect(stopped).rejects.toBe(reason);
    // The light task behind it fits beside the holder now that the heavy waiter is gone.
    await expect(behind).resolves.toBe('behind ran');
    release();
    await holder;
    expect(budget.inUse()).toBe(0);
    // Stopped already: never starts, holds nothing.
    await expect(budget.use(1, async () => 'late', stop.signal)).rejects.toBe(reason);
    expect(budget.inUse()).toBe(0);
  });
});
