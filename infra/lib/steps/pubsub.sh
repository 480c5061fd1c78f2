# shellcheck shell=bash
# Step 3: the offline-work topic, its dead-letter topic, and a subscription that keeps dead
# letters for a week so an operator can inspect them; the dispatch topic the scheduler's tick fans
# shards out on. The push subscription that feeds runOfflineWork is created by Eventarc with the
# function; its dead-letter policy is applied after the deploy (functions.sh:
# attach_dead_letter_policy). The dispatch topic's push subscription needs the dispatcher's URL, so
# it follows the deploy too (functions.sh: setup_fan_out_subscription). Then the lifecycle-events
# topic (unless USER_EVENTS_TOPIC is empty) and, with a webhook, its dead-letter topic; the
# webhook's push subscription needs the delivery function's URL, so functions.sh creates it.
readonly DEAD_LETTER_RETENTION=7d

# dead_letter_subscription_name [TOPIC_KEY]: the pull subscription keeping a dead-letter topic's messages.
dead_letter_subscription_name() {
  printf '%s-sub' "$(cfg "${1:-DEAD_LETTER_TOPIC}")"
}

setup_pubsub() {
  section "3. Pub/Sub: topics, dead-letter topics and their subscriptions"
  ensure_topic "$(cfg OFFLINE_WORK_TOPIC)"
  ensure_topic "$(cfg DISPATCH_TOPIC)"
  ensure_dead_letter_topic DEAD_LETTER_TOPIC
  if events_enabled; then ensure_topic "$(cfg USER_EVENTS_TOPIC)"; fi
  if webhooks_configured; then ensure_dead_letter_topic USER_EVENTS_DEAD_LETTER_TOPIC; fi
}

ensure_dead_letter_topic() {
  local key=$1 subscription
  ensure_topic "$(cfg "$key")"
  subscription=$(dead_letter_subscription_name "$key")
  if ! probe gcloud pubsub subscriptions describe "$subscription" --project="$PROJECT"; then
    run gcloud pubsub subscriptions create "$subscription" --topic="$(cfg "$key")" \
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
