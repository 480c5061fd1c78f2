# shellcheck shell=bash
# Step 6: build the TypeScript here, deploy every function of the table as gen2 on nodejs24, then
# grant each private function's one caller and give runOfflineWork's subscription a dead letter;
# with a webhook, create the push subscription that feeds deliverUserEvents.
#
# Build: `npm run build` compiles functions/src to functions/lib locally, with the TypeScript and
# lockfile the tests ran with, and .gcloudignore uploads only functions/lib, package.json and
# package-lock.json. GOOGLE_NODE_RUN_SCRIPTS= (empty) tells the Node.js buildpack to run no npm
# script: otherwise it would run the "build" script, and to do so install every devDependency
# (TypeScript, jest, firebase, and the `node` package's ~120 MB binary) before pruning them again.
# Without a script it installs production dependencies only (NODE_ENV=production).

readonly RUNTIME=nodejs24
readonly RETRY_DELAYS=(--min-retry-delay=10s --max-retry-delay=600s)
# A shard message older than the next few ticks is worth nothing: the next tick sends another.
readonly FAN_OUT_RETENTION=10m

deploy_functions() {
  section "6. Functions: build, deploy, grant invokers"
  build_functions
  for_each_deployed_function deploy_function
  for_each_deployed_function grant_invoker
}

build_functions() {
  is_dry_run || [[ -d node_modules ]] || die "node_modules is missing: run 'npm ci' first (the build uses the project's TypeScript)"
  # A clean output directory: a deleted source file must not live on as a deployed .js file.
  run rm -rf functions/lib
  run npm run build
}

# KEY=VALUE pairs in gcloud's ^DELIMITER^ list syntax, because values contain commas.
function_env_vars() {
  local pairs=("GOOGLE_CLOUD_PROJECT=$PROJECT" "OFFLINE_WORK_TOPIC=$(cfg OFFLINE_WORK_TOPIC)") key value
  if function_needs token-key; then pairs+=("TOKEN_KEY_SECRET=$(token_key_secret_path)"); fi
  if function_needs fan-out; then pairs+=("DISPATCH_TOPIC=$(cfg DISPATCH_TOPIC)"); fi
  # The worker stops starting new work before its timeout and sizes leases from it, and gets its
  # measured runtime settings (functions-table.sh) unless config.env sets the same variable.
  if [[ $FN_TRIGGER == topic ]]; then
    pairs+=("WORKER_TIMEOUT_SECONDS=${FN_TIMEOUT%s}")
    for value in "${WORKER_RUNTIME_ENV[@]}"; do
      if ! known_config_key "${value%%=*}" || [[ -z $(cfg "${value%%=*}") ]]; then pairs+=("$value"); fi
    done
  fi
  # An HTTP function answers 503 deadline_exceeded shortly before its timeout, not Cloud Run's 504.
  if [[ $FN_TRIGGER == http ]]; then pairs+=("REQUEST_TIMEOUT_SECONDS=${FN_TIMEOUT%s}"); fi
  # Given even when empty: an empty USER_EVENTS_TOPIC is what turns lifecycle events off.
  if function_needs events; then pairs+=("USER_EVENTS_TOPIC=$(cfg USER_EVENTS_TOPIC)"); fi
  if function_needs webhook-secret; then
    pairs+=("USER_EVENTS_WEBHOOK_URL=$(cfg USER_EVENTS_WEBHOOK_URL)" "USER_EVENTS_WEBHOOK_SECRET=$(webhook_secret_path)"
      "USER_EVENTS_DEAD_LETTER_TOPIC=$(cfg USER_EVENTS_DEAD_LETTER_TOPIC)")
  fi
  for key in "${FUNCTION_ENV_KEYS[@]}"; do
    value=$(cfg "$key")
    if [[ -n $value ]]; then pairs+=("$key=$value"); fi
  done
  local IFS=$ENV_DELIMITER
  printf '^%s^%s' "$ENV_DELIMITER" "${pairs[*]}"
}

deploy_function() {
  local args=(gcloud functions deploy "$FN_NAME" --gen2 --runtime="$RUNTIME" --region="$REGION" --project="$PROJECT"
    --source=. --entry-point="$FN_NAME"
    --service-account="$(service_account_email "$(runtime_account_id)")"
    --build-service-account="projects/$PROJECT/serviceAccounts/$(builder_email)"
    --docker-repository="$(docker_repository_path)"
    --set-build-env-vars=GOOGLE_NODE_RUN_SCRIPTS=
    --memory="$FN_MEMORY" --cpu="$FN_CPU" --timeout="$FN_TIMEOUT" --concurrency="$FN_CONCURRENCY"
    --min-instances=0 --max-instances="$(function_max_instances)"
    --set-env-vars="$(function_env_vars)" --update-labels="$LABELS")
  if function_needs client-secret; then
    # Resolved when an instance starts: a new client secret version reaches new instances.
    args+=(--set-secrets="GOOGLE_OAUTH_CLIENT_SECRET=$(cfg CLIENT_SECRET_NAME):latest")
  else
    args+=(--clear-secrets)
  fi
  case $FN_ACCESS in
    public) args+=(--trigger-http --allow-unauthenticated --ingress-settings=all) ;;
    # Cloud Scheduler, Eventarc and Pub/Sub count as internal traffic: nothing else can even reach these.
    scheduler | push) args+=(--trigger-http --no-allow-unauthenticated --ingress-settings=internal-only) ;;
    operator) args+=(--trigger-http --no-allow-unauthenticated --ingress-settings=all) ;;
    eventarc)
      args+=(--trigger-topic="$(cfg OFFLINE_WORK_TOPIC)" --trigger-service-account="$(service_account_email "$(trigger_account_id)")"
        --retry --no-allow-unauthenticated --ingress-settings=internal-only)
      ;;
  esac
  run "${args[@]}"
}

grant_invoker() {
  case $FN_ACCESS in
    scheduler)
      run_retrying gcloud functions add-invoker-policy-binding "$FN_NAME" --region="$REGION" \
        --member="serviceAccount:$(service_account_email "$(scheduler_account_id)")" --project="$PROJECT"
      if function_needs fan-out; then
        run_retrying gcloud functions add-invoker-policy-binding "$FN_NAME" --region="$REGION" \
          --member="serviceAccount:$(service_account_email "$(push_account_id)")" --project="$PROJECT"
        setup_fan_out_subscription
      fi
      ;;
    eventarc)
      run_retrying gcloud functions add-invoker-policy-binding "$FN_NAME" --region="$REGION" \
        --member="serviceAccount:$(service_account_email "$(trigger_account_id)")" --project="$PROJECT"
      attach_dead_letter_policy
      ;;
    push)
      run_retrying gcloud functions add-invoker-policy-binding "$FN_NAME" --region="$REGION" \
        --member="serviceAccount:$(service_account_email "$(push_account_id)")" --project="$PROJECT"
      setup_push_subscription
      ;;
  esac
}

# The push subscription on USER_EVENTS_TOPIC that feeds the delivery function, signed as its own
# account. Pub/Sub retries what the function answers 503 with backoff (10 s to 10 min) and, after
# WEBHOOK_MAX_DELIVERY_ATTEMPTS (20: hours, so that a receiver's outage or redeploy outlasts no
# event; 5 attempts end within minutes), moves it to USER_EVENTS_DEAD_LETTER_TOPIC; the function dead-letters
# what the webhook refuses for good itself. The ack deadline covers the function's timeout.
setup_push_subscription() {
  local url subscription agent dead_letter_topic
  capture_function_url url
  subscription=$(push_subscription_name)
  agent=$(pubsub_service_agent)
  dead_letter_topic=$(cfg USER_EVENTS_DEAD_LETTER_TOPIC)
  run_retrying gcloud pubsub topics add-iam-policy-binding "$dead_letter_topic" --member="$agent" \
    --role=roles/pubsub.publisher --project="$PROJECT"
  local common=(--push-endpoint="$url" --push-auth-service-account="$(service_account_email "$(push_account_id)")"
    --ack-deadline="${FN_TIMEOUT%s}" "${RETRY_DELAYS[@]}" --dead-letter-topic="$dead_letter_topic"
    --max-delivery-attempts="$(cfg WEBHOOK_MAX_DELIVERY_ATTEMPTS)" --project="$PROJECT")
  if probe gcloud pubsub subscriptions describe "$subscription" --project="$PROJECT"; then
    run gcloud pubsub subscriptions update "$subscription" "${common[@]}"
  else
    run gcloud pubsub subscriptions create "$subscription" --topic="$(cfg USER_EVENTS_TOPIC)" "${common[@]}" \
      --expiration-period=never --labels="$LABELS"
  fi
  run_retrying gcloud pubsub subscriptions add-iam-policy-binding "$subscription" --member="$agent" \
    --role=roles/pubsub.subscriber --project="$PROJECT"
}

# Eventarc creates the push subscription with the function; the retry backoff and dead-letter
# topic are set on that subscription. After MAX_DELIVERY_ATTEMPTS failed deliveries a message
# moves to DEAD_LETTER_TOPIC (kept a week by its subscription) instead of retrying for 7 days.
attach_dead_letter_policy() {
  local trigger subscription agent dead_letter_topic
  capture trigger "projects/$PROJECT/locations/$REGION/triggers/TRIGGER_OF_$FN_NAME" \
    gcloud functions describe "$FN_NAME" --gen2 --region="$REGION" --project="$PROJECT" --format='value(eventTrigger.trigger)'
  [[ -n $trigger ]] || die "$FN_NAME has no Eventarc trigger"
  capture subscription "projects/$PROJECT/subscriptions/SUBSCRIPTION_OF_$FN_NAME" \
    gcloud eventarc triggers describe "$trigger" --location="$REGION" --project="$PROJECT" \
    --format='value(transport.pubsub.subscription)'
  [[ -n $subscription ]] || die "the Eventarc trigger of $FN_NAME has no Pub/Sub subscription"
  agent=$(pubsub_service_agent)
  dead_letter_topic=$(cfg DEAD_LETTER_TOPIC)
  run_retrying gcloud pubsub topics add-iam-policy-binding "$dead_letter_topic" --member="$agent" \
    --role=roles/pubsub.publisher --project="$PROJECT"
  run_retrying gcloud pubsub subscriptions add-iam-policy-binding "$subscription" --member="$agent" \
    --role=roles/pubsub.subscriber --project="$PROJECT"
  run gcloud pubsub subscriptions update "$subscription" --dead-letter-topic="$dead_letter_topic" \
    --max-delivery-attempts="$(cfg MAX_DELIVERY_ATTEMPTS)" "${RETRY_DELAYS[@]}" --project="$PROJECT"
}

# The dispatch topic's push subscription: each {"shard": s} message of a tick is POSTed back to the
# dispatcher with an OIDC token of the push account (the only other account it accepts), retried
# with backoff on a failure, and dropped after FAN_OUT_RETENTION (the next tick sends it again).
setup_fan_out_subscription() {
  local url subscription
  capture_function_url url
  subscription="$(cfg DISPATCH_TOPIC)-push"
  local common=(--push-endpoint="$url" --push-auth-service-account="$(service_account_email "$(push_account_id)")"
    --push-auth-token-audience="$url" --ack-deadline="$FAN_OUT_ACK_DEADLINE_SECONDS"
    --message-retention-duration="$FAN_OUT_RETENTION" "${RETRY_DELAYS[@]}" --project="$PROJECT")
  if probe gcloud pubsub subscriptions describe "$subscription" --project="$PROJECT"; then
    run gcloud pubsub subscriptions update "$subscription" "${common[@]}"
  else
    run gcloud pubsub subscriptions create "$subscription" --topic="$(cfg DISPATCH_TOPIC)" --expiration-period=never \
      --labels="$LABELS" "${common[@]}"
  fi
}

# capture_function_url VAR: the function's https URL (a dry run shows its documented shape).
capture_function_url() {
  local lower
  lower=$(tr '[:upper:]' '[:lower:]' <<<"$FN_NAME")
  capture "$1" "https://$lower-$PROJECT_NUMBER.$REGION.run.app" \
    gcloud functions describe "$FN_NAME" --gen2 --region="$REGION" --project="$PROJECT" --format='value(serviceConfig.uri)'
}

# Step 10: the URLs the app calls, on stdout (everything else goes to stderr).
print_public_urls() {
  section "10. URLs for the mobile app"
  for_each_function print_public_url
}

print_public_url() {
  [[ $FN_ACCESS == public ]] || return 0
  local url
  capture_function_url url
  is_dry_run || printf '%s: %s\n' "$FN_NAME" "$url"
}
