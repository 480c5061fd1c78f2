"""Runs many gcloud command lines through one instance of the installed gcloud's own CLI.

Why: each `gcloud` process spends ~1 s of CPU importing the SDK before it parses anything, and
the offline check feeds it over a hundred commands. Here the SDK is imported once and every
command goes through the same entry point `gcloud` itself uses (gcloud_main.CreateCLI and
cli.Execute), with the same argument parser and the same error messages.

Usage: python gcloud_batch.py SDK_ROOT COMMANDS_FILE
  COMMANDS_FILE holds one JSON array per line: a command's arguments without the word gcloud.
  Prints one JSON object per command: {"exitCode": int, "output": str} (stdout and stderr).
Stdin is never read by a command (each sees an empty stdin), so `--data-file=-` is inert.
"""
import contextlib
import io
import json
import os
import sys


def load_cli(sdk_root):
    sys.path.insert(0, os.path.join(sdk_root, 'lib'))
    import gcloud  # the SDK's launcher module; it prepares sys.path exactly as `gcloud` does
    gcloud._fix_google_module()  # pylint: disable=protected-access
    from googlecloudsdk import gcloud_main
    from googlecloudsdk.core import log
    return gcloud_main.CreateCLI([]), log


def run_one(cli, log, args):
    captured = io.StringIO()
    exit_code = 0
    with open(os.devnull) as no_input, contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
        saved_stdin, sys.stdin = sys.stdin, no_input
        log.Reset(stdout=captured, stderr=captured)
        try:
            cli.Execute(args)
        except SystemExit as exit_:
            exit_code = exit_.code if isinstance(exit_.code, int) else 1
        except BaseException as error:  # pylint: disable=broad-except
            exit_code = 1
            captured.write('unhandled %s: %s' % (type(error).__name__, error))
        finally:
            sys.stdin = saved_stdin
    return {'exitCode': exit_code, 'output': captured.getvalue()}


def main():
    sdk_root, commands_file = sys.argv[1], sys.argv[2]
    cli, log = load_cli(sdk_root)
    results_out = sys.stdout
    with open(commands_file) as commands:
        for line in commands:
            if line.strip():
                result = run_one(cli, log, json.loads(line))
                results_out.write(json.dumps(result) + '\n')
                results_out.flush()


if __name__ == '__main__':
    main()
