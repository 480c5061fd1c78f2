#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploys offline-access into one Google Cloud project with gcloud. Safe to re-run: every step
# checks before it creates, and a re-run updates what changed (functions, schedule, rules).
# See docs/deploy.md.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
# shellcheck source=lib/common.sh
source "$REPO_ROOT/infra/lib/common.sh"
# shellcheck source=lib/config.sh
source "$REPO_ROOT/infra/lib/config.sh"
# shellcheck source=lib/functions-table.sh
source "$REPO_ROOT/infra/lib/functions-table.sh"
# shellcheck source=lib/steps/apis.sh
source "$REPO_ROOT/infra/lib/steps/apis.sh"
# shellcheck source=lib/steps/firestore.sh
source "$REPO_ROOT/infra/lib/steps/firestore.sh"
# shellcheck source=lib/steps/firestore-rules.sh
source "$REPO_ROOT/infra/lib/steps/firestore-rules.sh"
# shellcheck source=lib/steps/pubsub.sh
source "$REPO_ROOT/infra/lib/steps/pubsub.sh"
# shellcheck source=lib/steps/secrets.sh
source "$REPO_ROOT/infra/lib/steps/secrets.sh"
# shellcheck source=lib/steps/builder.sh
source "$REPO_ROOT/infra/lib/steps/builder.sh"
# shellcheck source=lib/steps/iam.sh
source "$REPO_ROOT/infra/lib/steps/iam.sh"
# shellcheck source=lib/steps/functions.sh
source "$REPO_ROOT/infra/lib/steps/functions.sh"
# shellcheck source=lib/steps/scheduler.sh
source "$REPO_ROOT/infra/lib/steps/scheduler.sh"
# shellcheck source=lib/steps/backfill.sh
source "$REPO_ROOT/infra/lib/steps/backfill.sh"

readonly USAGE="Usage: infra/deploy.sh [--project ID] [--region REGION] [--config FILE] [--dry-run]

  --project   Google Cloud project id (default: PROJECT_ID in the config)
  --region    region of the functions, topic trigger and scheduler (default: REGION, us-central1)
  --config    settings file (default: infra/config.env; start from infra/config.env.example)
  --dry-run   print every command, one per line, and change nothing (needs no Google account)"

main() {
  parse_flags "$USAGE" '' "$@"
  cd "$REPO_ROOT"
  load_config
  validate_function_table
  if is_dry_run; then require_tools jq; else require_tools gcloud jq curl npm cmp head base64 tr; fi
  check_entry_files
  check_client_secret_file
  require_gcloud_account
  # gcloud must never wait for an answer, and no single request may hang the deploy.
  export CLOUDSDK_CORE_DISABLE_PROMPTS=1 CLOUDSDK_CORE_HTTP_TIMEOUT=300
  note "Deploying offline-access to project $PROJECT, region $REGION$(is_dry_run && echo ' (dry run: nothing is changed)')"

  enable_apis
  capture PROJECT_NUMBER PROJECT_NUMBER gcloud projects describe "$PROJECT" --format='value(projectNumber)'
  readonly PROJECT_NUMBER
  setup_firestore
  setup_pubsub
  setup_secrets
  setup_service_accounts
  deploy_functions
  setup_schedules
  backfill_shards_once
  print_public_urls
  is_dry_run || note $'\nDone. Paste the exchangeAuthCode URL above into the mobile app.'
}

main "$@"
