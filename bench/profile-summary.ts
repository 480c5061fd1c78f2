/**
 * `node --import tsx bench/profile-summary.ts FILE.cpuprofile [--users=N] [--top=N]`: a V8 CPU
 * profile (from `npm run bench -- --only=offline-work --cpu-prof=DIR`) as two markdown tables:
 * self time by component (Firestore gRPC, HTTP to Google, JSON, crypto, sharp, our code, ...)
 * and the functions with the most self time. With --users, times are also given per user-run.
 */
import { readFileSync } from 'node:fs';
import { markdownTable } from './lib/table';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** First match wins: a frame's component, from its script's path (or, for V8 builtins, its name). */
const COMPONENTS: ReadonlyArray<readonly [string, (frame: CallFrame) => boolean]> = [
  ['idle (waiting for I/O)', (f) => f.functionName === '(idle)'],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['native, unattributed (program)', (f) => f.functionName === '(program)'],
  ['Firestore client and gRPC', (f) => /node_modules\/(@google-cloud\/firestore|@grpc|google-gax|protobufjs|@protobufjs)\//.test(f.url)],
  ['HTTP to Google: gaxios, auth library, googleapis', (f) => /node_modules\/(gaxios|google-auth-library|googleapis-common|@googleapis|gtoken|gcp-metadata|extend|qs|url-template)\//.test(f.url)],
  ['HTTP to Google: fetch (undici)', (f) => /node:internal\/deps\/undici|undici/.test(f.url)],
  ['sharp', (f) => /node_modules\/sharp\//.test(f.url)],
  ['crypto (node:crypto, jose)', (f) => /node:internal\/crypto|node:crypto|node_modules\/jose\//.test(f.url)],
  ['JSON', (f) => f.url === '' && /^(parse|stringify|JSON\.\w+)$/.test(f.functionName)],
  ['our code (functions/lib)', (f) => /\/functions\/lib\//.test(f.url)],
  ['functions-framework, express, body-parser', (f) => /node_modules\/(@google-cloud\/functions-framework|express|body-parser|raw-body|iconv-lite|cloudevents|on-finished|finalhandler|router)\//.test(f.url)],
  ['async hooks, domain, promises', (f) => /node:(internal\/)?(async_hooks|domain|process\/task_queues|process\/promises)/.test(f.url)],
  ['Node streams, net, http, timers', (f) => /node:(internal\/)?(streams?|net|http|_http|timers|stream_base_commons|buffer|events|dns|tls)/.test(f.url)],
  ['bench instruments', (f) => /\.local\/bench-build\//.test(f.url)],
  ['other Node internals', (f) => f.url.startsWith('node:')],
  ['V8 builtins, unattributed', (f) => f.url === ''],
  ['other packages', () => true],
];

export function componentOf(frame: CallFrame): string {
  return COMPONENTS.find(([, test]) => test(frame))![0];
}

/** Self time per node id, in ms, from the samples and their time deltas. */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  return self;
}

function shortUrl(url: string): string {
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) return url.slice(at + 'node_modules/'.length);
  for (const root of ['/functions/lib/', '/.local/bench-build/']) {
    const at = url.indexOf(root);
    if (at >= 0) return url.slice(at + 1);
  }
  return url.replace(/^file:\/\//, '');
}

/**
 * The frame a node's time is charged to for its component: V8 builtins and native calls
 * (`writeFileUtf8`, `parse`, `registerDestroyHook`) have no script, so they count for the nearest
 * caller that has one (JSON excepted, which is a component of its own); and what the bench's
 * instruments call through Node's own modules counts for them.
 */
function attributedFrames(profile: CpuProfile): Map<number, CallFrame> {
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const attributed = new Map<number, CallFrame>();
  const instrumented = (id: number): CallFrame | undefined => {
    for (let up = parent.get(id); up; up = parent.get(up.id)) {
      if (componentOf(up.callFrame) === 'bench instruments') return up.callFrame;
      // A package or product frame in between: the work is its own (the op counter wraps Firestore's RPCs).
      if (up.callFrame.url !== '' && !up.callFrame.url.startsWith('node:')) return undefined;
    }
    return undefined;
  };
  for (const node of profile.nodes) {
    let frame = node.callFrame;
    // What the bench's own instruments call through Node (fs, JSON) is theirs, not the product's.
    const instrument = componentOf(frame) === 'bench instruments' ? undefined : instrumented(node.id);
    if (instrument) frame = instrument;
    else if (frame.url === '' && !frame.functionName.startsWith('(') && componentOf(frame) !== 'JSON') {
      for (let up = parent.get(node.id); up; up = parent.get(up.id)) {
        if (up.callFrame.url !== '') {
          frame = up.callFrame;
          break;
        }
      }
    }
    attributed.set(node.id, frame);
  }
  return attributed;
}

export function summarise(profile: CpuProfile, options: { users?: number; top?: number } = {}): string {
  const self = selfTimes(profile);
  const charged = attributedFrames(profile);
  const byComponent = new Map<string, number>();
  const byFunction = new Map<string, { ms: number; component: string }>();
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    const component = componentOf(charged.get(node.id) ?? node.callFrame);
    byComponent.set(component, (byComponent.get(component) ?? 0) + ms);
    const { functionName, url, lineNumber } = node.callFrame;
    const caller = charged.get(node.id);
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : caller && caller !== node.callFrame ? `(from ${caller.functionName || '(anonymous)'} ${shortUrl(caller.url)}:${caller.lineNumber + 1})` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    const entry = byFunction.get(key) ?? { ms: 0, component };
    entry.ms += ms;
    byFunction.set(key, entry);
  }
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  const idle = byComponent.get('idle (waiting for I/O)') ?? 0;
  const busy = [...byComponent.values()].reduce((a, b) => a + b, 0) - idle;
  const users = options.users;
  const perUser = (ms: number) => (users ? [(ms / users).toFixed(2)] : []);
  const share = (ms: number) => `${((ms / busy) * 100).toFixed(1)}%`;
  const components = [...byComponent.entries()].filter(([name]) => name !== 'idle (waiting for I/O)').sort((a, b) => b[1] - a[1]);
  const functions = [...byFunction.entries()].filter(([, e]) => e.component !== 'idle (waiting for I/O)').sort((a, b) => b[1].ms - a[1].ms).slice(0, options.top ?? 15);
  return [
    `Main thread: ${(wallMs / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(2)} s busy (${((busy / wallMs) * 100).toFixed(0)}%)${users ? `, ${(busy / users).toFixed(2)} ms per user-run over ${users} users` : ''}.`,
    markdownTable(['component', 'self ms', ...(users ? ['ms per user'] : []), 'share of busy'], components.map(([name, ms]) => [name, ms.toFixed(0), ...perUser(ms), share(ms)])),
    markdownTable(['function (self time)', 'component', 'self ms', ...(users ? ['ms per user'] : []), 'share of busy'], functions.map(([name, e]) => [`\`${name}\``, e.component, e.ms.toFixed(0), ...perUser(e.ms), share(e.ms)])),
  ].join('\n\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const files = args.filter((a) => !a.startsWith('--'));
  const users = Number(args.find((a) => a.startsWith('--users='))?.slice('--users='.length) ?? Number.NaN);
  const top = Number(args.find((a) => a.startsWith('--top='))?.slice('--top='.length) ?? 15);
  if (files.length === 0) {
    console.error('Usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile... [--users=N] [--top=N]');
    process.exit(2);
  }
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    process.stdout.write(`## ${file}\n\n${summarise(profile, { ...(Number.isFinite(users) ? { users } : {}), top })}\n\n`);
  }
}
