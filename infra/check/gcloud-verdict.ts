/**
 * What the real gcloud said about a command run with an empty configuration. gcloud parses and
 * validates every argument before it looks for credentials, so "no active account" means the
 * command line itself was accepted; a usage error means it was not.
 */
export type GcloudVerdict = 'arguments-accepted' | 'arguments-rejected' | 'unexpected';

const NEEDS_ACCOUNT = /You do not currently have an active account selected/;

/** gcloud's argparse errors: each names the argument, and most end with a Usage: line. */
const USAGE_ERRORS = [
  /unrecognized arguments/,
  /\bargument [^\s:]+:/,
  /Invalid (value|choice)/i,
  /Bad value/,
  /Must be specified/,
  /^Usage: gcloud /m,
];

export function classifyGcloudOutput(output: string): GcloudVerdict {
  if (USAGE_ERRORS.some((pattern) => pattern.test(output))) return 'arguments-rejected';
  if (NEEDS_ACCOUNT.test(output)) return 'arguments-accepted';
  return 'unexpected';
}
