# shellcheck shell=bash
# Step 5: one service account per function, plus the accounts that may call the private ones,
# each granted only what its row's needs list says, on the narrowest resource that holds it:
#   firestore      roles/datastore.user on the project: Firestore has no per-collection IAM, so
#                  the project is the narrowest level; an IAM condition limits it to this database
#   token-key,
#   client-secret,
#   webhook-secret roles/secretmanager.secretAccessor on that one secret
#   publish        roles/pubsub.publisher on OFFLINE_WORK_TOPIC
#   fan-out        roles/pubsub.publisher on DISPATCH_TOPIC; a push account for its subscription
#   events         roles/pubsub.publisher on USER_EVENTS_TOPIC (when events are on)
#   events-dead-letter  roles/pubsub.publisher on USER_EVENTS_DEAD_LETTER_TOPIC
# The invoker grants (roles/run.invoker on one function) follow the deploy, in functions.sh.

setup_service_accounts() {
  section "5. Service accounts and least-privilege grants"
  setup_builder
  for_each_deployed_function setup_function_accounts
}

ensure_service_account() {
  local id=$1 description=$2
  probe gcloud iam service-accounts describe "$(service_account_email "$id")" --project="$PROJECT" ||
    run gcloud iam service-accounts create "$id" --display-name="$description" \
      --description="Created by offline-access infra/deploy.sh" --project="$PROJECT"
}

database_condition() {
  printf 'expression=resource.name=="projects/%s/databases/%s",title=offline-access-database-only' \
    "$PROJECT" "$FIRESTORE_DATABASE"
}

grant_project_role() {
  local member=$1 role=$2 condition=$3
  run_retrying gcloud projects add-iam-policy-binding "$PROJECT" --member="$member" --role="$role" \
    --condition="$condition"
}

grant_secret_accessor() {
  local secret=$1 member=$2
  run_retrying gcloud secrets add-iam-policy-binding "$secret" --member="$member" \
    --role=roles/secretmanager.secretAccessor --project="$PROJECT"
}

setup_function_accounts() {
  local runtime
  runtime="serviceAccount:$(service_account_email "$(runtime_account_id)")"
  ensure_service_account "$(runtime_account_id)" "offline-access $FN_NAME"
  if function_needs firestore; then
    grant_project_role "$runtime" roles/datastore.user "$(database_condition)"
  fi
  if function_needs token-key; then
    grant_secret_accessor "$(cfg TOKEN_KEY_SECRET_NAME)" "$runtime"
  fi
  if function_needs client-secret; then
    grant_secret_accessor "$(cfg CLIENT_SECRET_NAME)" "$runtime"
  fi
  if function_needs webhook-secret; then
    grant_secret_accessor "$(cfg USER_EVENTS_WEBHOOK_SECRET_NAME)" "$runtime"
  fi
  if function_needs publish; then grant_topic_publisher "$(cfg OFFLINE_WORK_TOPIC)" "$runtime"; fi
  if function_needs fan-out; then
    grant_topic_publisher "$(cfg DISPATCH_TOPIC)" "$runtime"
    setup_pushing_account "$(push_account_id)" "offline-access dispatch-topic push to $FN_NAME"
  fi
  if function_needs events && events_enabled; then grant_topic_publisher "$(cfg USER_EVENTS_TOPIC)" "$runtime"; fi
  if function_needs events-dead-letter; then grant_topic_publisher "$(cfg USER_EVENTS_DEAD_LETTER_TOPIC)" "$runtime"; fi
  case $FN_ACCESS in
    scheduler) ensure_service_account "$(scheduler_account_id)" "offline-access scheduler for $FN_NAME" ;;
    eventarc) setup_pushing_account "$(trigger_account_id)" "offline-access Eventarc trigger for $FN_NAME" ;;
    push) setup_pushing_account "$(push_account_id)" "offline-access push subscription for $FN_NAME" ;;
  esac
}

grant_topic_publisher() {
  run_retrying gcloud pubsub topics add-iam-policy-binding "$1" --member="$2" --role=roles/pubsub.publisher --project="$PROJECT"
}

# Pub/Sub signs each push to a function with an OIDC token of the push's own account (the Eventarc
# trigger's, the dispatch topic's subscription's, or the webhook subscription's); to do that, its
# service agent must be able to mint tokens for that one account (and no other).
setup_pushing_account() {
  local id=$1 description=$2
  ensure_service_account "$id" "$description"
  run_retrying gcloud iam service-accounts add-iam-policy-binding "$(service_account_email "$id")" \
    --member="$(pubsub_service_agent)" --role=roles/iam.serviceAccountTokenCreator --project="$PROJECT"
}
