/** Drive writes every timestamp as RFC 3339 in UTC with milliseconds: 2024-05-01T10:00:00.000Z. */
export function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/**
 * Parses an RFC 3339 date-time as Drive accepts it in queries and request bodies; a missing zone
 * means UTC. Returns undefined when the text is not a date-time.
 */
export function parseRfc3339(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (!match) return undefined;
  const [, date, , , hh, mm, ss, fraction, zone] = match;
  const normalised = `${text.slice(0, 10)}T${hh ?? '00'}:${mm ?? '00'}:${ss ?? '00'}${fraction ?? ''}${zone ?? 'Z'}`;
  const value = Date.parse(normalised);
  return date !== undefined && Number.isFinite(value) ? value : undefined;
}
