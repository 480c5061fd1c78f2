import { createLanes } from '../../../functions/src/concurrency/lanes';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createLanes', () => {
  it('bounds the tasks in flight across every caller sharing the lanes', async () => {
    const lanes = createLanes(3);
    let inFlight = 0;
    let peak = 0;
    const task = (ticks: number) => async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      for (let i = 0; i < ticks; i += 1) await tick();
      inFlight -= 1;
      return ticks;
    };
    // Two "messages" at once, as two Pub/Sub deliveries to one worker instance.
    const first = Promise.all([4, 1, 3].map((n) => lanes.run(task(n))));
    const second = Promise.all([2, 5, 1, 2].map((n) => lanes.run(task(n))));
    await expect(Promise.all([first, second])).resolves.toEqual([[4, 1, 3], [2, 5, 1, 2]]);
    expect(peak).toBe(3);
  });

  it('starts waiting tasks in arrival order and frees the lane of a task that throws', async () => {
    const lanes = createLanes(1);
    const order: string[] = [];
    const failing = lanes.run(async () => {
      order.push('a');
      throw new Error('boom');
    });
    const b = lanes.run(async () => order.push('b'));
    const c = lanes.run(async () => order.push('c'));
    await expect(failing).rejects.toThrow('boom');
    await Promise.all([b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('rejects a limit below one', () => {
    expect(() => createLanes(0)).toThrow(RangeError);
  });
});
