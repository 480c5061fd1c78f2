# shellcheck shell=bash
# firestore.rules through the Firebase Rules API (gcloud has no command for rules): create a
# ruleset from the file, then point the database's release at it (create the release the first
# time). The access token is read into memory and handed to curl through a file descriptor, so it
# is in no argument list, file or log line.

readonly RULES_FILE=firestore.rules
readonly RULES_API=https://firebaserules.googleapis.com/v1
readonly RULES_HTTP_TIMEOUT_SECONDS=60

rules_release_name() {
  printf 'projects/%s/releases/cloud.firestore' "$PROJECT"
}

ruleset_request_body() {
  jq -Rs '{source: {files: [{name: "firestore.rules", content: .}]}}' "$RULES_FILE"
}

# rules_api METHOD PATH [BODY]: prints the response body; fails on any HTTP error.
rules_api() {
  local method=$1 path=$2 body=${3:-}
  local args=(--silent --show-error --fail-with-body --max-time "$RULES_HTTP_TIMEOUT_SECONDS" --connect-timeout 10
    --request "$method" --header "x-goog-user-project: $PROJECT" --header 'Content-Type: application/json')
  [[ -n $body ]] && args+=(--data-binary "$body")
  curl "${args[@]}" --header @<(printf 'Authorization: Bearer %s\n' "$RULES_ACCESS_TOKEN") "$RULES_API/$path"
}

deploy_firestore_rules() {
  local release ruleset
  release=$(rules_release_name)
  if is_dry_run; then
    format_command --comment 'read into memory; sent as the Authorization header of the calls below' \
      gcloud auth print-access-token
    format_command --comment "body: $RULES_FILE wrapped as a ruleset; prints its name" \
      curl --fail-with-body --max-time "$RULES_HTTP_TIMEOUT_SECONDS" --request POST "$RULES_API/projects/$PROJECT/rulesets"
    format_command --comment 'exists? then PATCH it to the new ruleset, else POST it to .../releases' \
      curl --fail-with-body --max-time "$RULES_HTTP_TIMEOUT_SECONDS" --request GET "$RULES_API/$release"
    return 0
  fi
  RULES_ACCESS_TOKEN=$(gcloud auth print-access-token) || die "could not get an access token from gcloud"
  note "+ creating a ruleset from $RULES_FILE and releasing it as $release"
  ruleset=$(rules_api POST "projects/$PROJECT/rulesets" "$(ruleset_request_body)" | jq -r '.name') ||
    die "the Firebase Rules API refused $RULES_FILE"
  if rules_api GET "$release" >/dev/null 2>&1; then
    rules_api PATCH "$release" "$(jq -n --arg name "$release" --arg ruleset "$ruleset" \
      '{release: {name: $name, rulesetName: $ruleset}}')" >/dev/null || die "could not update $release"
  else
    rules_api POST "projects/$PROJECT/releases" "$(jq -n --arg name "$release" --arg ruleset "$ruleset" \
      '{name: $name, rulesetName: $ruleset}')" >/dev/null || die "could not create $release"
  fi
  unset RULES_ACCESS_TOKEN
  note "  $RULES_FILE is live ($ruleset)"
}
