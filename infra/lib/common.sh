# shellcheck shell=bash
# Shared by deploy.sh, teardown.sh and rotate-key.sh: messages, command printing and the run modes.
#
# Every command that touches Google Cloud goes through one of the run_* / probe / capture helpers
# below, so that --dry-run prints exactly what a real run would execute, one command per line, on
# stdout. Progress messages go to stderr, so a dry run's stdout is nothing but commands (and
# section comments). Secrets never pass through these helpers as arguments: they are piped in by
# run_fed, whose dry-run form prints only a description of the stream.

if [[ -z ${BASH_VERSINFO[0]:-} || ${BASH_VERSINFO[0]} -lt 4 || (${BASH_VERSINFO[0]} -eq 4 && ${BASH_VERSINFO[1]} -lt 4) ]]; then
  echo "error: bash 4.4 or newer is required (macOS: brew install bash, or use Cloud Shell)" >&2
  exit 2
fi

DRY_RUN=false

die() {
  echo "error: $*" >&2
  exit 1
}

note() {
  echo "$*" >&2
}

is_dry_run() {
  [[ $DRY_RUN == true ]]
}

# A section heading: a comment line in a dry run's output, a progress line otherwise.
section() {
  if is_dry_run; then
    printf '# %s\n' "$*"
  else
    printf '\n==> %s\n' "$*" >&2
  fi
}

# Quotes one word for a POSIX shell only when it needs quoting, so printed commands stay readable
# and can still be pasted into a terminal as they are.
quote_word() {
  local word=$1
  if [[ -n $word && $word =~ ^[A-Za-z0-9_./:=@,+%^-]+$ ]]; then
    printf '%s' "$word"
  else
    local escaped=${word//\'/\'\\\'\'}
    printf "'%s'" "$escaped"
  fi
}

# Prints a command on one line; an optional trailing comment (after --comment TEXT) explains it.
format_command() {
  local comment=''
  if [[ ${1:-} == --comment ]]; then
    comment=$2
    shift 2
  fi
  local first=true word
  for word in "$@"; do
    if [[ $first == true ]]; then first=false; else printf ' '; fi
    quote_word "$word"
  done
  if [[ -n $comment ]]; then printf '  # %s' "$comment"; fi
  printf '\n'
}

# Runs a command (a dry run prints it instead).
run() {
  if is_dry_run; then
    format_command "$@"
    return 0
  fi
  printf '+ %s\n' "$(format_command "$@")" >&2
  # Command output is progress too: stdout is kept for the script's own results (the URLs).
  "$@" >&2
}

# Asks whether something exists (a describe command). A dry run prints the question and answers
# "no", so its output shows what a first deploy into an empty project does.
probe() {
  if is_dry_run; then
    format_command "$@"
    return 1
  fi
  "$@" >/dev/null 2>&1
}

# capture VAR PLACEHOLDER command...: stores the command's stdout in VAR. A dry run prints the
# command and stores PLACEHOLDER, a value of the same shape that names what it stands for.
capture() {
  local -n _capture_into=$1
  local placeholder=$2
  shift 2
  if is_dry_run; then
    format_command "$@"
    _capture_into=$placeholder
    return 0
  fi
  _capture_into=$("$@") || die "failed: $(format_command "$@")"
}

# run_allowing PATTERN command...: runs a command that may only fail because the thing it makes
# already exists (or is already gone); any other failure stops the script with gcloud's message.
run_allowing() {
  local pattern=$1
  shift
  if is_dry_run; then
    format_command "$@"
    return 0
  fi
  printf '+ %s\n' "$(format_command "$@")" >&2
  local errors
  if errors=$("$@" 2>&1 >/dev/null); then return 0; fi
  if grep -qiE "$pattern" <<<"$errors"; then
    note "  (nothing to do: $(grep -iEo "$pattern" <<<"$errors" | head -n 1))"
    return 0
  fi
  printf '%s\n' "$errors" >&2
  die "failed: $(format_command "$@")"
}

# run_fed DESCRIPTION PRODUCER command...: pipes PRODUCER's output into the command's stdin. The
# stream (a secret) never becomes an argument, a variable or a file; a dry run shows DESCRIPTION.
run_fed() {
  local description=$1 producer=$2
  shift 2
  if is_dry_run; then
    format_command --comment "stdin: $description" "$@"
    return 0
  fi
  printf '+ %s\n' "$(format_command --comment "stdin: $description" "$@")" >&2
  "$producer" | "$@" >&2
}

# require_present MESSAGE command...: a describe command that must succeed, or the script stops
# with MESSAGE before changing anything that would depend on it. A dry run prints it and goes on.
require_present() {
  local message=$1
  shift
  if is_dry_run; then
    format_command "$@"
    return 0
  fi
  "$@" >/dev/null 2>&1 || die "$message"
}

# IAM is eventually consistent: an account created a second ago can be unknown to a policy
# update. Retries only that, a few times; a dry run prints the command once.
run_retrying() {
  if is_dry_run; then
    format_command "$@"
    return 0
  fi
  local attempt errors
  for attempt in 1 2 3 4 5 6; do
    printf '+ %s\n' "$(format_command "$@")" >&2
    if errors=$("$@" 2>&1 >/dev/null); then return 0; fi
    if ! grep -qiE 'does not exist|not found|NOT_FOUND|INVALID_ARGUMENT.*(principal|member)' <<<"$errors" || [[ $attempt == 6 ]]; then
      printf '%s\n' "$errors" >&2
      die "failed: $(format_command "$@")"
    fi
    note "  (account not visible to IAM yet; retrying in 10 s)"
    sleep 10
  done
}

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required but not installed"
  done
}

# A real run needs a signed-in gcloud; a dry run never calls Google.
require_gcloud_account() {
  is_dry_run && return 0
  require_tools gcloud
  local account
  account=$(gcloud auth list --filter=status:ACTIVE --format='value(account)' 2>/dev/null) || true
  [[ -n $account ]] || die "gcloud has no active account: run 'gcloud auth login' first"
  note "Acting as $account"
}

# Confirms a destructive action: --yes skips the question; without a terminal, --yes is required.
confirm() {
  local question=$1 expected=$2
  [[ -t 0 ]] || die "refusing to continue without a terminal to ask on; pass --yes to confirm"
  local answer
  read -r -p "$question " answer
  [[ $answer == "$expected" ]] || die "not confirmed; nothing was changed"
}
