import { ShellSyntaxError, splitShellWords } from '../../../infra/check/shell-words';

describe('splitShellWords', () => {
  it('splits on blanks and keeps plain words as they are', () => {
    expect(splitShellWords('gcloud  secrets\tcreate token-key --project=p')).toEqual(['gcloud', 'secrets', 'create', 'token-key', '--project=p']);
  });

  it('removes single quotes, keeping everything inside literally', () => {
    expect(splitShellWords(`gcloud x '--schedule=*/15 * * * *' '--format=value(name)'`)).toEqual([
      'gcloud',
      'x',
      '--schedule=*/15 * * * *',
      '--format=value(name)',
    ]);
  });

  it("reads the '\\'' idiom as one word with an apostrophe", () => {
    expect(splitShellWords(`echo 'it'\\''s'`)).toEqual(['echo', "it's"]);
  });

  it('applies backslash escapes and double quotes', () => {
    expect(splitShellWords('a\\ b "c \\"d\\"" e""f')).toEqual(['a b', 'c "d"', 'ef']);
  });

  it('stops at a comment that starts a word, but not at a # inside one', () => {
    expect(splitShellWords('gcloud add --data-file=- --x=a#b  # stdin: secret from file')).toEqual([
      'gcloud',
      'add',
      '--data-file=-',
      '--x=a#b',
    ]);
  });

  it('keeps an empty quoted word', () => {
    expect(splitShellWords(`printf '' x`)).toEqual(['printf', '', 'x']);
  });

  it.each([
    ['an unterminated single quote', `echo 'abc`],
    ['an unterminated double quote', 'echo "abc'],
    ['a command substitution', 'echo $(gcloud auth print-access-token)'],
    ['a variable', 'echo $HOME'],
    ['a pipe', 'head -c 32 /dev/urandom | gcloud secrets versions add k --data-file=-'],
    ['a glob', 'rm -rf functions/*'],
    ['an expansion inside double quotes', 'echo "$HOME"'],
    ['a leading tilde', 'ls ~/x'],
  ])('rejects %s instead of guessing', (_what, line) => {
    expect(() => splitShellWords(line)).toThrow(ShellSyntaxError);
  });
});
