#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Removes what infra/deploy.sh created, in reverse order. Asks first unless --yes. The Firestore
# database (every user's record) is deleted only with --delete-database. Enabled APIs stay enabled:
# other things in the project may use them. See docs/deploy.md.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
# shellcheck source=lib/common.sh
source "$REPO_ROOT/infra/lib/common.sh"
# shellcheck source=lib/config.sh
source "$REPO_ROOT/infra/lib/config.sh"
# shellcheck source=lib/functions-table.sh
source "$REPO_ROOT/infra/lib/functions-table.sh"
# shellcheck source=lib/steps/firestore.sh
source "$REPO_ROOT/infra/lib/steps/firestore.sh"
# shellcheck source=lib/steps/pubsub.sh
source "$REPO_ROOT/infra/lib/steps/pubsub.sh"
# shellcheck source=lib/steps/builder.sh
source "$REPO_ROOT/infra/lib/steps/builder.sh"

readonly USAGE="Usage: infra/teardown.sh [--project ID] [--region REGION] [--config FILE] [--yes] [--delete-database] [--dry-run]

  --yes              do not ask for confirmation
  --delete-database  also delete the Firestore database, i.e. every user's record (irreversible)
  --dry-run          print every command, one per line, and change nothing"

readonly GONE='not found|NOT_FOUND|does not exist'

# delete_if_present DESCRIBE_COMMAND... -- DELETE_COMMAND...
delete_if_present() {
  local describe=()
  while [[ $1 != -- ]]; do describe+=("$1"); shift; done
  shift
  if probe "${describe[@]}" || is_dry_run; then run_allowing "$GONE" "$@"; fi
}

delete_schedule() {
  [[ $FN_ACCESS == scheduler ]] || return 0
  local job
  job=$(scheduler_job_name)
  delete_if_present gcloud scheduler jobs describe "$job" --location="$REGION" --project="$PROJECT" -- \
    gcloud scheduler jobs delete "$job" --location="$REGION" --project="$PROJECT" --quiet
}

# The webhook's push subscription is ours, not Eventarc's: it goes before its function.
delete_push_subscription() {
  [[ $FN_ACCESS == push ]] || return 0
  local subscription
  subscription=$(push_subscription_name)
  delete_if_present gcloud pubsub subscriptions describe "$subscription" --project="$PROJECT" -- \
    gcloud pubsub subscriptions delete "$subscription" --project="$PROJECT" --quiet
}

# Eventarc deletes the function's trigger and push subscription with it.
delete_function() {
  delete_if_present gcloud functions describe "$FN_NAME" --gen2 --region="$REGION" --project="$PROJECT" -- \
    gcloud functions delete "$FN_NAME" --gen2 --region="$REGION" --project="$PROJECT" --quiet
}

# Bindings on the project outlive their account (as "deleted:serviceAccount:..."): remove them
# first. Grants on secrets, topics and functions go with those resources.
remove_project_role() {
  run_allowing "$GONE|Policy binding with the specified principal, role, and condition not found" \
    gcloud projects remove-iam-policy-binding "$PROJECT" --member="$1" --role="$2" --all
}

remove_function_project_roles() {
  if function_needs firestore; then
    remove_project_role "serviceAccount:$(service_account_email "$(runtime_account_id)")" roles/datastore.user
  fi
}

delete_account() {
  local email
  email=$(service_account_email "$1")
  delete_if_present gcloud iam service-accounts describe "$email" --project="$PROJECT" -- \
    gcloud iam service-accounts delete "$email" --project="$PROJECT" --quiet
}

delete_function_accounts() {
  delete_account "$(runtime_account_id)"
  case $FN_ACCESS in
    scheduler) delete_account "$(scheduler_account_id)" ;;
    eventarc) delete_account "$(trigger_account_id)" ;;
    push) delete_account "$(push_account_id)" ;;
  esac
  if function_needs fan-out; then delete_account "$(push_account_id)"; fi
}

delete_database() {
  section "Firestore database (--delete-database)"
  run gcloud firestore databases update --database="$FIRESTORE_DATABASE" --no-delete-protection --project="$PROJECT"
  run gcloud firestore databases delete --database="$FIRESTORE_DATABASE" --project="$PROJECT" --quiet
}

main() {
  parse_flags "$USAGE" '--yes --delete-database' "$@"
  cd "$REPO_ROOT"
  load_config
  validate_function_table
  is_dry_run || require_tools gcloud
  require_gcloud_account
  export CLOUDSDK_CORE_DISABLE_PROMPTS=1 CLOUDSDK_CORE_HTTP_TIMEOUT=300
  if ! is_dry_run && [[ $OPT_YES != true ]]; then
    note "This deletes offline-access from project $PROJECT ($REGION): its functions, schedule, topics,"
    note "secrets (the token key too: stored refresh tokens become unreadable), images and service accounts."
    if [[ $OPT_DELETE_DATABASE == true ]]; then note "It also deletes the Firestore database with every user's record."; fi
    confirm "Type the project id to confirm:" "$PROJECT"
  fi

  section "Scheduler jobs and functions"
  for_each_function delete_schedule
  for_each_function delete_push_subscription
  for_each_function delete_function

  section "Project-level grants"
  for_each_function remove_function_project_roles
  remove_project_role "serviceAccount:$(builder_email)" roles/logging.logWriter
  remove_project_role "serviceAccount:$(builder_email)" roles/storage.objectAdmin

  section "Pub/Sub"
  local topic key
  for key in DEAD_LETTER_TOPIC USER_EVENTS_DEAD_LETTER_TOPIC; do
    delete_if_present gcloud pubsub subscriptions describe "$(dead_letter_subscription_name "$key")" --project="$PROJECT" -- \
      gcloud pubsub subscriptions delete "$(dead_letter_subscription_name "$key")" --project="$PROJECT" --quiet
  done
  delete_if_present gcloud pubsub subscriptions describe "$(cfg DISPATCH_TOPIC)-push" --project="$PROJECT" -- \
    gcloud pubsub subscriptions delete "$(cfg DISPATCH_TOPIC)-push" --project="$PROJECT" --quiet
  # An empty USER_EVENTS_TOPIC (events off) names nothing to delete, hence unquoted.
  # shellcheck disable=SC2046
  for topic in "$(cfg OFFLINE_WORK_TOPIC)" "$(cfg DISPATCH_TOPIC)" "$(cfg DEAD_LETTER_TOPIC)" $(cfg USER_EVENTS_TOPIC) "$(cfg USER_EVENTS_DEAD_LETTER_TOPIC)"; do
    delete_if_present gcloud pubsub topics describe "$topic" --project="$PROJECT" -- \
      gcloud pubsub topics delete "$topic" --project="$PROJECT" --quiet
  done

  section "Secrets"
  local secret
  for secret in "$(cfg CLIENT_SECRET_NAME)" "$(cfg TOKEN_KEY_SECRET_NAME)" "$(cfg USER_EVENTS_WEBHOOK_SECRET_NAME)"; do
    delete_if_present gcloud secrets describe "$secret" --project="$PROJECT" -- \
      gcloud secrets delete "$secret" --project="$PROJECT" --quiet
  done

  section "Images and service accounts"
  delete_if_present gcloud artifacts repositories describe "$(cfg ARTIFACT_REPOSITORY)" --location="$REGION" --project="$PROJECT" -- \
    gcloud artifacts repositories delete "$(cfg ARTIFACT_REPOSITORY)" --location="$REGION" --project="$PROJECT" --quiet
  for_each_function delete_function_accounts
  delete_account "$BUILDER_ACCOUNT_ID"

  if [[ $OPT_DELETE_DATABASE == true ]]; then delete_database; fi
  is_dry_run || note $'\nDone.'
}

main "$@"
