import { traceFields } from '../../../functions/src/logging/trace-context';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const fields = (headers: Record<string, string>) => traceFields(headers, 'my-project');

describe("Cloud Logging's trace fields from a request's headers", () => {
  it('reads W3C traceparent: trace, span and the sampled flag', () => {
    expect(fields({ traceparent: `00-${TRACE}-00f067aa0ba902b7-01` })).toEqual({
      'logging.googleapis.com/trace': `projects/my-project/traces/${TRACE}`,
      'logging.googleapis.com/spanId': '00f067aa0ba902b7',
      'logging.googleapis.com/trace_sampled': true,
    });
    expect(fields({ traceparent: `00-${TRACE}-00f067aa0ba902b7-00` })['logging.googleapis.com/trace_sampled']).toBe(false);
    // A later version may append fields; its first four are read the same way.
    expect(fields({ traceparent: `01-${TRACE}-00f067aa0ba902b7-03-future` })['logging.googleapis.com/spanId']).toBe('00f067aa0ba902b7');
  });

  it('reads X-Cloud-Trace-Context when it is the only header, the decimal span id as 16 hex digits', () => {
    expect(fields({ 'x-cloud-trace-context': `${TRACE}/1;o=1` })).toEqual({
      'logging.googleapis.com/trace': `projects/my-project/traces/${TRACE}`,
      'logging.googleapis.com/spanId': '0000000000000001',
      'logging.googleapis.com/trace_sampled': true,
    });
    expect(fields({ 'x-cloud-trace-context': `${TRACE}/18446744073709551615` })).toMatchObject({
      'logging.googleapis.com/spanId': 'ffffffffffffffff',
      'logging.googleapis.com/trace_sampled': false,
    });
  });

  it('prefers traceparent when both are sent', () => {
    const both = fields({ traceparent: `00-${TRACE}-00f067aa0ba902b7-01`, 'x-cloud-trace-context': `${'1'.repeat(32)}/5;o=0` });
    expect(both['logging.googleapis.com/spanId']).toBe('00f067aa0ba902b7');
  });

  it.each([
    ['traceparent', `00-${TRACE}-00f067aa0ba902b7`],
    ['traceparent', `00-${TRACE.toUpperCase()}-00f067aa0ba902b7-01`],
    ['traceparent', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['traceparent', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['traceparent', `ff-${TRACE}-00f067aa0ba902b7-01`],
    ['traceparent', `00-${TRACE}-00f067aa0ba902b7-01-extra`],
    ['traceparent', `00-ya29.a0AfH6SMBx-00f067aa0ba902b7-01`],
    ['x-cloud-trace-context', `${TRACE}`],
    ['x-cloud-trace-context', `${TRACE}/abc;o=1`],
    ['x-cloud-trace-context', `${TRACE}/0;o=1`],
    ['x-cloud-trace-context', `${TRACE}/18446744073709551616;o=1`],
    ['x-cloud-trace-context', `${TRACE}/1;o=1;ya29.secret`],
    ['x-cloud-trace-context', `projects/p/traces/${TRACE}`],
  ])('ignores a malformed %s header: %s', (name, value) => {
    expect(fields({ [name]: value })).toEqual({});
  });

  it('a malformed traceparent is not replaced by X-Cloud-Trace-Context', () => {
    expect(fields({ traceparent: 'garbage', 'x-cloud-trace-context': `${TRACE}/1;o=1` })).toEqual({});
  });

  it('gives nothing without a project to name the trace in', () => {
    expect(traceFields({ traceparent: `00-${TRACE}-00f067aa0ba902b7-01` }, undefined)).toEqual({});
  });
});
