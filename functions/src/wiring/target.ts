/**
 * The function this process serves: Cloud Run sets FUNCTION_TARGET; the functions-framework CLI
 * takes `--target NAME` or `--target=NAME`. Undefined when neither is given (e.g. in tests).
 */
export function currentTarget(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): string | undefined {
  if (env.FUNCTION_TARGET) return env.FUNCTION_TARGET;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg.startsWith('--target=')) return arg.slice('--target='.length);
    if (arg === '--target') return argv[i + 1];
  }
  return undefined;
}
