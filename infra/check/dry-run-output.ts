import { splitShellWords } from './shell-words';

/** One printed command of a dry run: the line as printed and the words bash would pass. */
export interface PrintedCommand {
  line: string;
  argv: string[];
}

/**
 * A dry run prints one command per line, plus `#` comment lines (section headings). Comments and
 * blank lines are dropped; every other line must be a command.
 */
export function parseDryRunOutput(stdout: string): PrintedCommand[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => ({ line, argv: splitShellWords(line) }));
}

export function gcloudCommands(commands: readonly PrintedCommand[]): PrintedCommand[] {
  return commands.filter((command) => command.argv[0] === 'gcloud');
}

/** The value of `--name=value` or `--name value`; undefined when absent. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word.startsWith(`--${name}=`)) return word.slice(name.length + 3);
    if (word === `--${name}`) {
      const next = argv[i + 1];
      return next !== undefined && !next.startsWith('--') ? next : '';
    }
  }
  return undefined;
}

export function hasFlag(argv: readonly string[], name: string): boolean {
  return flagValue(argv, name) !== undefined;
}

/** True when argv starts with `gcloud` followed by these command-group words. */
export function isGcloud(argv: readonly string[], ...group: string[]): boolean {
  return argv[0] === 'gcloud' && group.every((word, i) => argv[i + 1] === word);
}
