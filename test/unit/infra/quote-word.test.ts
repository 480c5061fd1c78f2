import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { splitShellWords } from '../../../infra/check/shell-words';

/**
 * infra/lib/common.sh prints commands with quote_word. Whatever a word contains, bash must read the
 * printed form back as exactly that word (so a printed command can be pasted), and so must the
 * parser the gcloud check uses. One bash process handles a whole batch of words.
 */
const COMMON = join(__dirname, '../../../infra/lib/common.sh');

const BASH_ROUND_TRIP = `
source "$COMMON"
while IFS= read -r -d '' word; do
  printed=$(quote_word "$word")
  eval "set -- $printed"
  printf '%s\\0%s\\0%s\\0' "$printed" "$#" "$1"
done`;

function roundTrip(words: readonly string[]): { printed: string; count: number; read: string }[] {
  const out = execFileSync('bash', ['--norc', '-c', BASH_ROUND_TRIP], {
    input: words.map((w) => `${w}\0`).join(''),
    env: { PATH: process.env.PATH, COMMON },
    encoding: 'utf8',
  });
  const fields = out.split('\0');
  return words.map((_, i) => ({ printed: fields[i * 3]!, count: Number(fields[i * 3 + 1]), read: fields[i * 3 + 2]! }));
}

// Words as the scripts meet them: flags, cron, JSON, conditions, quotes; never a newline (a
// dry run is one command per line, and config.env values are single lines).
const word = fc.string({ unit: fc.constantFrom(...'aZ09-_=,.:/@%+^|*?()[]{}<>$`"\'\\!#~ &;é\t'.split('')), minLength: 1, maxLength: 24 });

describe('quote_word (infra/lib/common.sh)', () => {
  it('prints words that bash and splitShellWords both read back unchanged', () => {
    const samples = fc.sample(word, 400);
    const results = roundTrip(samples);
    results.forEach(({ printed, count, read }, i) => {
      expect({ count, read }).toEqual({ count: 1, read: samples[i] });
      expect(splitShellWords(printed)).toEqual([samples[i]]);
    });
  });

  it('leaves plain words unquoted so dry runs stay readable', () => {
    const [plain, spaced] = roundTrip(['--project=my-proj-1', '*/15 * * * *']);
    expect(plain?.printed).toBe('--project=my-proj-1');
    expect(spaced?.printed).toBe("'*/15 * * * *'");
  });

  it('quotes the empty word', () => {
    expect(roundTrip([''])[0]).toEqual({ printed: "''", count: 1, read: '' });
  });
});
