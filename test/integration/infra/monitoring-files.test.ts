import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkApiSchemas, type ResourceKind } from '../../../infra/check/api-schema';
import { REPO_ROOT } from '../../../infra/check/run-script';

/** infra/monitoring/: the log-based metrics, alerting policies and dashboard deploy.sh creates (docs/monitoring.md). */
const DIR = join(REPO_ROOT, 'infra', 'monitoring');
const read = (path: string) => JSON.parse(readFileSync(join(DIR, path), 'utf8')) as Record<string, unknown>;
const filesIn = (sub: string) => readdirSync(join(DIR, sub)).filter((f) => f.endsWith('.json')).sort();

interface LogMetric {
  filter: string;
  metricDescriptor: { metricKind: string; valueType: string; labels?: { key: string }[] };
  labelExtractors?: Record<string, string>;
  valueExtractor?: string;
}

const metrics = new Map(filesIn('metrics').map((f) => [f.replace(/\.json$/, ''), read(`metrics/${f}`) as unknown as LogMetric]));
const policies = new Map(filesIn('policies').map((f) => [f, read(`policies/${f}`)]));
const dashboard = read('dashboard.json');

/** Every Cloud Monitoring filter in a policy or the dashboard. */
function filtersOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(filtersOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (/^(filter|denominatorFilter)$/.test(key) && typeof inner === 'string' ? [inner] : filtersOf(inner)));
}

describe('infra/monitoring/', () => {
  it('has the metrics and alerting policies the issue asks for', () => {
    expect([...metrics.keys()]).toEqual([
      'offline_access_dispatcher_runs',
      'offline_access_dispatcher_truncated_runs',
      'offline_access_event_delivery_failures',
      'offline_access_exchange_answers',
      'offline_access_oldest_due_intervals',
      'offline_access_reauth_required',
      'offline_access_worker_failures',
      'offline_access_worker_stopped_runs',
    ]);
    expect([...policies.keys()]).toEqual(['dead-letter-messages.json', 'exchange-5xx-rate.json', 'no-dispatcher-run.json', 'oldest-due-behind.json', 'reauth-required-surge.json', 'webhook-refused-events.json']);
  });

  it('every user metric a policy or the dashboard reads is one of the files, with the labels read', () => {
    const filters = [...[...policies.values()].flatMap(filtersOf), ...filtersOf(dashboard)];
    expect(filters.length).toBeGreaterThan(15);
    const used = new Set<string>();
    for (const filter of filters) {
      for (const [, name] of filter.matchAll(/metric\.type="logging\.googleapis\.com\/user\/([^"]+)"/g)) {
        used.add(name!);
        const metric = metrics.get(name!);
        expect({ filter, known: metric !== undefined }).toEqual({ filter, known: true });
        for (const [, label] of filter.matchAll(/metric\.labels?\.(\w+)/g)) expect(metric!.metricDescriptor.labels?.map((l) => l.key)).toContain(label);
      }
    }
    expect([...used].sort()).toEqual([...metrics.keys()]);
    // The dashboard's group-bys name labels the metrics have too.
    const text = JSON.stringify(dashboard);
    for (const [, label] of text.matchAll(/"metric\.label\.(\w+)"/g)) {
      expect([...metrics.values()].some((m) => m.metricDescriptor.labels?.some((l) => l.key === label) || label === 'response_code_class')).toBe(true);
    }
  });

  it('each metric extracts exactly the labels it declares, from fields the functions log', () => {
    const source = readdirSync(join(REPO_ROOT, 'functions', 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(REPO_ROOT, 'functions', 'src', f), 'utf8'))
      .join('\n');
    for (const [name, metric] of metrics) {
      expect({ name, labels: Object.keys(metric.labelExtractors ?? {}).sort() }).toEqual({ name, labels: (metric.metricDescriptor.labels ?? []).map((l) => l.key).sort() });
      expect(metric.filter).toMatch(/^resource\.type="cloud_run_revision" AND /);
      const fields = [metric.filter, ...Object.values(metric.labelExtractors ?? {}), metric.valueExtractor ?? ''].flatMap((text) => [...text.matchAll(/jsonPayload\.(\w+)/g)].map((m) => m[1]!));
      for (const field of fields) expect({ name, field, logged: new RegExp(`\\b${field}\\b`).test(source) }).toEqual({ name, field, logged: true });
      for (const [, text] of metric.filter.matchAll(/jsonPayload\.message="([^"]+)"/g)) expect({ name, message: text, logged: source.includes(`'${text}'`) }).toEqual({ name, message: text, logged: true });
    }
  });

  it('no policy file names a notification channel: they come from ALERT_NOTIFICATION_CHANNELS', () => {
    for (const [file, policy] of policies) {
      expect({ file, channels: policy.notificationChannels }).toEqual({ file, channels: undefined });
      expect(policy.displayName).toMatch(/^offline-access: /);
      expect((policy.documentation as { content: string }).content).toContain('docs/monitoring.md');
    }
    expect(new Set([...policies.values()].map((p) => p.displayName)).size).toBe(policies.size);
  });

  it("every file is what gcloud would send: no field, nor enum value, the API's messages do not define", async () => {
    const files: { kind: ResourceKind; file: string }[] = [
      ...filesIn('metrics').map((f) => ({ kind: 'log-metric' as const, file: `infra/monitoring/metrics/${f}` })),
      ...filesIn('policies').map((f) => ({ kind: 'alert-policy' as const, file: `infra/monitoring/policies/${f}` })),
      { kind: 'dashboard', file: 'infra/monitoring/dashboard.json' },
    ];
    const broken = mkdtempSync(join(tmpdir(), 'monitoring-broken-'));
    try {
      const policy = read('policies/exchange-5xx-rate.json') as { conditions: { conditionThreshold: Record<string, unknown> }[] };
      policy.conditions[0]!.conditionThreshold.comparison = 'COMPARISON_GREATER';
      writeFileSync(join(broken, 'policy.json'), JSON.stringify(policy));
      writeFileSync(join(broken, 'dashboard.json'), JSON.stringify({ ...dashboard, mosaicLayout: { tiles: [{ widget: { xyChart: { dataSet: [] } } }] } }));
      const checks = await checkApiSchemas([...files, { kind: 'alert-policy', file: join(broken, 'policy.json') }, { kind: 'dashboard', file: join(broken, 'dashboard.json') }]);
      expect(checks.slice(0, files.length)).toEqual(files.map((f) => ({ file: f.file, errors: [] })));
      expect(checks.slice(files.length).map((c) => c.errors)).toEqual([
        ['unknown field conditions[0].conditionThreshold.comparison'],
        ['unknown field mosaicLayout.tiles[0].widget.xyChart.dataSet'],
      ]);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }, 60_000);
});
