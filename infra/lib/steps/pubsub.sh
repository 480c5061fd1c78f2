# shellcheck shell=bash
# Step 3: the offline-work topic, its dead-letter topic, and a subscription that keeps dead
# letters for a week so an operator can inspect them; the dispatch topic the scheduler's tick fans
# shards out on. The push subscription that feeds runOfflineWork is created by Eventarc with the
# function; its dead-letter policy is applied after the deploy (functions.sh:
# attach_dead_letter_policy). The dispatch topic's push subscription needs the dispatcher's URL, so
# it follows the deploy too (functions.sh: setup_fan_out_subscription).
readonly DEAD_LETTER_RETENTION=7d

dead_letter_subscription_name() {
  printf '%s-sub' "$(cfg DEAD_LETTER_TOPIC)"
}

setup_pubsub() {
  section "3. Pub/Sub: topic, dead-letter topic and its subscription"
  ensure_topic "$(cfg OFFLINE_WORK_TOPIC)"
  ensure_topic "$(cfg DISPATCH_TOPIC)"
  ensure_topic "$(cfg DEAD_LETTER_TOPIC)"
  local subscription
  subscription=$(dead_letter_subscription_name)
  if ! probe gcloud pubsub subscriptions describe "$subscription" --project="$PROJECT"; then
    run gcloud pubsub subscriptions create "$subscription" --topic="$(cfg DEAD_LETTER_TOPIC)" \
      --message-retention-duration="$DEAD_LETTER_RETENTION" --expiration-period=never --labels="$LABELS" --project="$PROJECT"
  fi
}

ensure_topic() {
  local topic=$1
  probe gcloud pubsub topics describe "$topic" --project="$PROJECT" ||
    run gcloud pubsub topics create "$topic" --labels="$LABELS" --project="$PROJECT"
}

# The Pub/Sub service agent moves undeliverable messages: it must publish to the dead-letter topic
# and acknowledge on the source subscription. Both grants are on those two resources only.
pubsub_service_agent() {
  printf 'serviceAccount:service-%s@gcp-sa-pubsub.iam.gserviceaccount.com' "$PROJECT_NUMBER"
}
