import type { LimitKind, LimitName, PlatformLimits } from './limits';

/** One resource at one size: its peak, its documented limit, and what to do about it. */
export interface ResourceCheck {
  service: string;
  resource: string;
  peak: number;
  limit: number;
  unit: string;
  kind: LimitKind;
  /** The limits.json entry it is checked against; absent for the model's own requirements. */
  limitName: LimitName | undefined;
  /** For a raisable limit the peak exceeds: the quota to ask for. */
  request: number | undefined;
  note: string | undefined;
}

export type Verdict = 'ok' | 'OVER' | 'raise' | 'billed' | 'ramp';

export function verdictOf(check: ResourceCheck): Verdict {
  if (check.peak <= check.limit) return 'ok';
  switch (check.kind) {
    case 'hard':
      return 'OVER';
    case 'raisable':
      return 'raise';
    case 'billing':
      return 'billed';
    case 'procedure':
      return 'ramp';
  }
}

/** Only a hard limit exceeded fails the model: a quota is raised on request, a billing threshold costs money. */
export function failsModel(check: ResourceCheck): boolean {
  return verdictOf(check) === 'OVER';
}

/** limit / peak: 2 means room for twice the peak; below 1, over. */
export function headroom(check: ResourceCheck): number {
  return check.peak === 0 ? Number.POSITIVE_INFINITY : check.limit / check.peak;
}

/** A check against a documented limit of limits.json. */
export function against(
  limits: PlatformLimits,
  name: LimitName,
  service: string,
  resource: string,
  peak: number,
  extra: { unit?: string; limit?: number; note?: string; scale?: number } = {},
): ResourceCheck {
  const documented = limits.limits[name];
  const limit = extra.limit ?? documented.value / (extra.scale ?? 1);
  const over = peak > limit && documented.kind === 'raisable';
  return {
    service,
    resource,
    peak,
    limit,
    unit: extra.unit ?? documented.unit,
    kind: documented.kind,
    limitName: name,
    // Ask for the peak with the model's headroom, in two significant figures.
    request: over ? roundUp(peak * 1.25 * (extra.scale ?? 1)) : undefined,
    note: extra.note,
  };
}

/** A requirement of the design itself (no platform limit): the model fails when it is not met. */
export function requirement(service: string, resource: string, peak: number, limit: number, unit: string, note: string): ResourceCheck {
  return { service, resource, peak, limit, unit, kind: 'hard', limitName: undefined, request: undefined, note };
}

function roundUp(value: number): number {
  const scale = 10 ** Math.max(0, Math.floor(Math.log10(value)) - 1);
  return Math.ceil(value / scale) * scale;
}
