# shellcheck shell=bash
# Step 8: one call of backfillShards, which gives every user written before sharding a shard of
# the due index. A new deployment has none, so the call answers done at once and the dispatcher
# stops looking for unsharded users; an upgrade of a populated database answers a cursor, and the
# operator runs the loop in docs/deploy.md ("Upgrading") to the end. The identity token is read
# into memory and handed to curl through a file descriptor, as the rules step does.

readonly BACKFILL_FUNCTION=backfillShards
readonly BACKFILL_HTTP_TIMEOUT_SECONDS=330

backfill_shards_once() {
  section "8. Due index: give users written before sharding a shard ($BACKFILL_FUNCTION, once)"
  local url answer FN_NAME=$BACKFILL_FUNCTION
  capture_function_url url
  if is_dry_run; then
    format_command --comment 'read into memory; sent as the Authorization header of the call below' gcloud auth print-identity-token
    format_command --comment 'body {}; answers {"scanned", "assigned", "skipped", "done", "nextCursor"}' \
      curl --fail-with-body --max-time "$BACKFILL_HTTP_TIMEOUT_SECONDS" --request POST "$url"
    return 0
  fi
  local token
  token=$(gcloud auth print-identity-token) || die "could not get an identity token from gcloud"
  note "+ calling $BACKFILL_FUNCTION once"
  answer=$(curl --silent --show-error --fail-with-body --max-time "$BACKFILL_HTTP_TIMEOUT_SECONDS" --connect-timeout 10 \
    --request POST --header 'Content-Type: application/json' --data-binary '{}' \
    --header @<(printf 'Authorization: Bearer %s\n' "$token") "$url") || die "$BACKFILL_FUNCTION failed: $answer"
  if [[ $(jq -r .done <<<"$answer") == true ]]; then
    note "  every user has a shard ($(jq -r .scanned <<<"$answer") read)"
  else
    note "  users written before sharding remain: finish with the loop in docs/deploy.md (Upgrading), from cursor"
    note "  $(jq -r .nextCursor <<<"$answer")"
  fi
}
