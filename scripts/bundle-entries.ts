/**
 * The second half of `npm run build`: each deployed function's entry (functions/src/entries/*.ts)
 * becomes one file, functions/lib/entries/<name>.js, in place of the one tsc wrote, holding the
 * product's own modules and zod. The package `main` (functions/lib/index.js) loads only the served
 * function's entry, so an instance starts by reading one file instead of resolving and compiling
 * some sixty modules of ours and the 95 files zod's CommonJS entry loads (64 of them locales). The
 * cold start this saves: bench/README.md, issue 13's fourth step; why the rest stays in
 * node_modules: docs/dependencies.md.
 *
 * Every other package stays an ordinary `require` of node_modules: they are shared with the
 * Google client libraries (google-auth-library, gaxios), native (sharp), or read files of their
 * own at run time (protobuf descriptors, libheif's WebAssembly). What the code loads on demand
 * (`import()` of Pub/Sub, Secret Manager, the App Check verifier) is still loaded on demand.
 * The rest of functions/lib stays tsc's output, for the package `main` and the bench.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { REPO_ROOT } from './lib/stack-layout';

/** Packages compiled into the entries. */
const INLINED_PACKAGES: readonly string[] = ['zod'];

const ENTRIES_DIR = join(REPO_ROOT, 'functions', 'src', 'entries');
const OUT_DIR = join(REPO_ROOT, 'functions', 'lib', 'entries');

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Bare imports stay `require`s unless their package is inlined; relative imports are bundled. */
const nodeModulesStayExternal: Plugin = {
  name: 'node-modules-stay-external',
  setup(plugin) {
    plugin.onResolve({ filter: /^[^./]/ }, ({ path }) => (INLINED_PACKAGES.includes(packageOf(path)) ? undefined : { path, external: true }));
  },
};

async function main(): Promise<void> {
  const entryPoints = readdirSync(ENTRIES_DIR)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(ENTRIES_DIR, file));
  await build({
    entryPoints,
    outdir: OUT_DIR,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    // Names in stack traces and `error.name` stay the source's; maps stay home (.gcloudignore).
    keepNames: true,
    sourcemap: 'linked',
    plugins: [nodeModulesStayExternal],
    logLevel: 'warning',
  });
  process.stdout.write(`bundled ${entryPoints.length} entries into functions/lib/entries (${entryPoints.map((p) => basename(p, '.ts')).join(', ')})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
