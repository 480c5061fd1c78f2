import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { markdownTables, readRepoFile, REPO_ROOT } from '../../support/markdown';

/**
 * docs/configuration.md lists exactly the variables the product's configuration schemas read.
 * The read set comes from the schemas themselves: every module of functions/src that calls
 * `parseEnv(shape, env)` must pass a shape it exports, and the shape's keys are the variables.
 * Variables read outside a schema (set by the platform, or read by client libraries and the local
 * scripts) belong in the page's "Outside the schemas" table, and must be read somewhere.
 */
const SOURCE = join(REPO_ROOT, 'functions', 'src');
const OUTSIDE_SECTION = /outside the schemas/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface ZodLike {
  safeParse: (value: unknown) => unknown;
}
const isShape = (value: unknown): value is Record<string, ZodLike> =>
  typeof value === 'object' && value !== null && Object.values(value).length > 0 &&
  Object.values(value).every((field) => typeof (field as Partial<ZodLike>)?.safeParse === 'function');

async function schemaVariables(): Promise<{ variables: Map<string, string>; problems: string[] }> {
  const variables = new Map<string, string>();
  const problems: string[] = [];
  for (const file of sourceFiles(SOURCE)) {
    const text = readFileSync(file, 'utf8');
    const calls = [...text.matchAll(/\bparseEnv\(\s*([^,\s)]+)/g)].map((match) => match[1]!);
    if (calls.length === 0 || file.endsWith(join('config', 'env-schema.ts'))) continue;
    const exports = (await import(file)) as Record<string, unknown>;
    const name = relative(REPO_ROOT, file);
    for (const shapeName of calls) {
      const shape = exports[shapeName];
      if (!isShape(shape)) {
        problems.push(`${name}: parseEnv(${shapeName}, ...) must be given a shape the module exports`);
        continue;
      }
      for (const variable of Object.keys(shape)) variables.set(variable, name);
    }
  }
  return { variables, problems };
}

/** `env.NAME`, `env['NAME']`, `process.env.NAME` anywhere in functions/src: reads that bypass a schema. */
function directReads(): Map<string, string> {
  const reads = new Map<string, string>();
  for (const file of sourceFiles(SOURCE)) {
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const match of text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g)) {
      reads.set(match[1] ?? match[2]!, relative(REPO_ROOT, file));
    }
  }
  return reads;
}

function documented(): { schema: Map<string, string[]>; outside: Map<string, string[]> } {
  const schema = new Map<string, string[]>();
  const outside = new Map<string, string[]>();
  for (const table of markdownTables(readRepoFile('docs/configuration.md'))) {
    if (table.header[0]?.toLowerCase() !== 'variable') continue;
    const target = OUTSIDE_SECTION.test(table.section) ? outside : schema;
    for (const [cell = '', ...rest] of table.rows) {
      const variable = /^`([A-Z][A-Z0-9_]*)`$/.exec(cell)?.[1];
      if (!variable) throw new Error(`docs/configuration.md: "${cell}" is not a \`VARIABLE\` cell`);
      if (schema.has(variable) || outside.has(variable)) throw new Error(`docs/configuration.md lists ${variable} twice`);
      target.set(variable, rest);
    }
  }
  return { schema, outside };
}

describe('docs/configuration.md', () => {
  let schemas: Awaited<ReturnType<typeof schemaVariables>>;
  const docs = documented();

  beforeAll(async () => {
    schemas = await schemaVariables();
  });

  it('finds the schemas: every parseEnv call is given an exported shape', () => {
    expect(schemas.problems).toEqual([]);
    expect(schemas.variables.size).toBeGreaterThan(40);
    expect(schemas.variables.get('ALLOWED_ORIGINS')).toBe('functions/src/config/cors-config.ts');
  });

  it('lists every variable a configuration schema reads', () => {
    const missing = [...schemas.variables].filter(([variable]) => !docs.schema.has(variable)).map(([variable, file]) => `${variable} (${file})`);
    expect(missing).toEqual([]);
  });

  it('lists no variable in the main table that no schema reads', () => {
    expect([...docs.schema.keys()].filter((variable) => !schemas.variables.has(variable))).toEqual([]);
  });

  it('gives every variable a default and a meaning', () => {
    const incomplete = [...docs.schema, ...docs.outside].filter(([, cells]) => cells.length < 2 || cells.some((cell) => cell === '')).map(([variable]) => variable);
    expect(incomplete).toEqual([]);
  });

  it('lists every variable the functions read outside a schema, and only ones some code reads', () => {
    const unlisted = [...directReads()].filter(([variable]) => !docs.schema.has(variable) && !docs.outside.has(variable)).map(([v, file]) => `${v} (${file})`);
    expect(unlisted).toEqual([]);
    const code = ['functions/src', 'scripts', 'test/support']
      .flatMap((dir) => sourceFiles(join(REPO_ROOT, dir)))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    expect([...docs.outside.keys()].filter((variable) => !new RegExp(`\\b${variable}\\b`).test(code) || schemas.variables.has(variable))).toEqual([]);
  });
});
