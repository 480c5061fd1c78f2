import { componentOf, summarise } from '../../../bench/profile-summary';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('componentOf', () => {
  it.each([
    ['Firestore client and gRPC', frame('makeUnaryRequest', 'file:///x/node_modules/@grpc/grpc-js/build/src/client.js')],
    ['HTTP to Google: gaxios, auth library, googleapis', frame('createAPIRequestAsync', 'file:///x/node_modules/googleapis-common/build/src/apirequest.js')],
    ['HTTP to Google: fetch (undici)', frame('fetch', 'node:internal/deps/undici/undici')],
    ['sharp', frame('toBuffer', 'file:///x/node_modules/sharp/dist/output.cjs')],
    ['crypto (node:crypto, jose)', frame('createCipheriv', 'node:internal/crypto/cipher')],
    ['JSON', frame('parse')],
    ['our code (functions/lib)', frame('runUser', 'file:///x/functions/lib/offline/work/run-user.js')],
    ['garbage collection', frame('(garbage collector)')],
  ])('%s', (component, f) => {
    expect(componentOf(f)).toBe(component);
  });
});

describe('summarise', () => {
  it('charges a builtin to its nearest caller with a script, and gives self time per component and per user', () => {
    // root -> flush (bench instrument) -> writeFileUtf8 (builtin); root -> parse (JSON builtin); root -> (idle)
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 4, 5] },
        { id: 2, callFrame: frame('flush', 'file:///x/.local/bench-build/instrument/event-loop-meter.js', 13), children: [3] },
        { id: 3, callFrame: frame('writeFileUtf8') },
        { id: 4, callFrame: frame('parse') },
        { id: 5, callFrame: frame('(idle)') },
      ],
      startTime: 0,
      endTime: 10_000,
      samples: [3, 3, 3, 4, 5],
      timeDeltas: [1000, 1000, 1000, 1000, 6000],
    };
    const text = summarise(profile, { users: 2 });
    expect(text).toMatch(/0\.00 s busy \(40%\), 2\.00 ms per user-run over 2 users/);
    expect(text).toMatch(/\| bench instruments \| 3 \| 1\.50 \| 75\.0% \|/);
    expect(text).toMatch(/\| JSON \| 1 \| 0\.50 \| 25\.0% \|/);
    expect(text).toContain('`writeFileUtf8 (from flush .local/bench-build/instrument/event-loop-meter.js:14)`');
    expect(text).not.toMatch(/\| idle/);
  });

  it("charges to the bench's instruments what they call through Node's own modules", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 5, 7] },
        { id: 2, callFrame: frame('flush', 'file:///x/.local/bench-build/instrument/firestore-op-counter.js'), children: [3] },
        { id: 3, callFrame: frame('renameSync', 'node:fs', 1071), children: [4] },
        { id: 4, callFrame: frame('rename') },
        { id: 5, callFrame: frame('writeSync', 'node:fs'), children: [6] },
        { id: 6, callFrame: frame('writeString') },
        // The op counter wraps Firestore#request: Firestore's work under it stays Firestore's.
        { id: 7, callFrame: frame('countedRequest', 'file:///x/.local/bench-build/instrument/firestore-op-counter.js'), children: [8] },
        { id: 8, callFrame: frame('request', 'file:///x/node_modules/@google-cloud/firestore/build/src/index.js'), children: [9] },
        { id: 9, callFrame: frame('internalModuleStat') },
      ],
      startTime: 0,
      endTime: 5_000,
      samples: [4, 4, 4, 6, 9],
      timeDeltas: [1000, 1000, 1000, 1000, 1000],
    };
    const text = summarise(profile);
    expect(text).toMatch(/\| bench instruments \| 3 \| 60\.0% \|/);
    expect(text).toMatch(/\| other Node internals \| 1 \| 20\.0% \|/);
    expect(text).toMatch(/\| Firestore client and gRPC \| 1 \| 20\.0% \|/);
  });
});
