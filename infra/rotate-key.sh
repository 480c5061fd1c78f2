#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Adds a new version of the token-encryption key: 32 random bytes from /dev/urandom, piped
# straight into Secret Manager (never an argument, a variable, a file or a line of output).
# The new version becomes "latest": functions seal new tokens with it once their key cache
# expires (TOKEN_KEY_CACHE_SECONDS, default 300 s) and keep opening older tokens with the
# version recorded in each. Older versions must stay enabled until rewrapTokens answers
# "done": true, which it says only once the new version is TOKEN_KEY_CACHE_SECONDS plus
# REWRAP_SETTLE_MARGIN_SECONDS old (no instance can still seal with an older one, nor still be
# writing such a seal) and a whole pass since found no token under another version; only then
# disable them.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
# shellcheck source=lib/common.sh
source "$REPO_ROOT/infra/lib/common.sh"
# shellcheck source=lib/config.sh
source "$REPO_ROOT/infra/lib/config.sh"
# shellcheck source=lib/steps/secrets.sh
source "$REPO_ROOT/infra/lib/steps/secrets.sh"

readonly USAGE="Usage: infra/rotate-key.sh [--project ID] [--config FILE] [--dry-run]

  --dry-run   print the commands and change nothing"

main() {
  parse_flags "$USAGE" '' "$@"
  cd "$REPO_ROOT"
  load_config
  if ! is_dry_run; then require_tools gcloud head; fi
  require_gcloud_account
  export CLOUDSDK_CORE_DISABLE_PROMPTS=1 CLOUDSDK_CORE_HTTP_TIMEOUT=300
  local name
  name=$(cfg TOKEN_KEY_SECRET_NAME)
  section "Rotate the token key $name in $PROJECT"
  if ! probe gcloud secrets describe "$name" --project="$PROJECT" && ! is_dry_run; then
    die "secret $name does not exist in $PROJECT: run infra/deploy.sh first"
  fi
  run_fed "$TOKEN_KEY_DESCRIPTION" token_key_bytes gcloud secrets versions add "$name" --data-file=- --project="$PROJECT"
  run gcloud secrets versions list "$name" --filter=state:enabled --format='table(name,createTime)' --project="$PROJECT"
  is_dry_run || note $'\nThe newest version is now "latest". Call rewrapTokens now, and again after each answer\'s\nretryAfterSeconds, until it answers "done": true (docs/key-rotation.md). It cannot say\ndone before this version is TOKEN_KEY_CACHE_SECONDS + REWRAP_SETTLE_MARGIN_SECONDS (default 6 min)\nold: until then some instance may still seal with an older one. Keep the older versions enabled until done; only then:\ngcloud secrets versions disable VERSION --secret='"$name --project=$PROJECT"
}

main "$@"
