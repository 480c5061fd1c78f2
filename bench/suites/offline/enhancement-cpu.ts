import { createWeightedBudget } from '../../../functions/src/concurrency/weighted-budget';
import { enhancePhoto } from '../../../functions/src/photos/enhance';
import { applySharpSettings, SHARP_SETTINGS } from '../../../functions/src/photos/sharp-settings';

/**
 * CPU (all threads of this process) that the product's enhancement of one photo costs alone:
 * `enhancePhoto` with the worker's sharp settings and its lane into libvips, four asked for at a
 * time (as many as the worker's libuv pool could run), after a warm-up. For the offline round's
 * small photo this is libvips' fixed cost per image (several pipeline evaluations: `normalise`
 * reads two percentiles of the luminance first), a part of every user-run that no change to the
 * orchestration can remove. Run while the bench process is otherwise idle (its sandbox Google
 * answers nothing meanwhile).
 */
export async function enhancementCpuMsPerPhoto(photo: Buffer, count = 200): Promise<number> {
  applySharpSettings();
  const libvipsLane = createWeightedBudget(SHARP_SETTINGS.imagesAtOnce);
  for (let i = 0; i < 20; i++) await enhancePhoto(photo);
  const before = process.cpuUsage();
  let left = count;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (left-- > 0) await enhancePhoto(photo, { libvipsLane });
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / count;
}
