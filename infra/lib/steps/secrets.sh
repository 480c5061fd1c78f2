# shellcheck shell=bash
# Step 4: the secrets. Their values are piped straight from their source into gcloud: never
# an argument, a shell variable, a file or a line of output.
#   OAuth client secret: from the client_secret.json the Cloud console downloads. A new version is
#     added only when the file differs from the latest one (compared as streams, in memory).
#   token key: 32 random bytes from /dev/urandom, raw, as the vault expects. Created once; new
#     versions come from rotate-key.sh, never from a re-deploy.
#   webhook secret (only with USER_EVENTS_WEBHOOK_URL): whsec_ and the base64 of 32 bytes from
#     /dev/urandom, the Standard Webhooks form. Created once; the receiver reads it with
#     `gcloud secrets versions access latest --secret=NAME` (docs/events.md).

setup_secrets() {
  section "4. Secret Manager: OAuth client secret, token key, webhook secret"
  setup_client_secret
  setup_token_key
  if webhooks_configured; then setup_webhook_secret; fi
}

client_secret_value() {
  jq -je '(.web // .installed).client_secret | select(type == "string" and length > 0)' "$(client_secret_file)" ||
    die "$(client_secret_file) has no web.client_secret or installed.client_secret"
}

token_key_bytes() {
  head -c 32 /dev/urandom
}

readonly TOKEN_KEY_DESCRIPTION='32 random bytes from head -c 32 /dev/urandom, never shown or stored'

# Checked before anything is created, so a wrong file stops the deploy early.
check_client_secret_file() {
  is_dry_run && return 0
  local file
  file=$(client_secret_file)
  [[ -f $file ]] || die "OAuth client file $file not found: download the web client's JSON from the Cloud console (APIs & Services > Credentials) or set OAUTH_CLIENT_SECRET_FILE"
  local client_id
  client_id=$(jq -r '(.web // .installed).client_id // empty' "$file") || die "$file is not JSON"
  [[ $client_id == "$(cfg GOOGLE_OAUTH_CLIENT_ID)" ]] ||
    die "$file belongs to client $client_id, but GOOGLE_OAUTH_CLIENT_ID is $(cfg GOOGLE_OAUTH_CLIENT_ID)"
  client_secret_value >/dev/null
}

# Succeeds when it created the secret (always, in a dry run: it shows a first deploy).
create_secret_if_missing() {
  probe gcloud secrets describe "$1" --project="$PROJECT" && return 1
  run gcloud secrets create "$1" --replication-policy=automatic --labels="$LABELS" --project="$PROJECT"
}

setup_client_secret() {
  local name
  name=$(cfg CLIENT_SECRET_NAME)
  if create_secret_if_missing "$name" || ! client_secret_is_current "$name"; then
    run_fed "client_secret from $(cfg OAUTH_CLIENT_SECRET_FILE), never shown" client_secret_value \
      gcloud secrets versions add "$name" --data-file=- --project="$PROJECT"
  else
    note "  $name already holds the client secret from $(cfg OAUTH_CLIENT_SECRET_FILE)"
  fi
}

client_secret_is_current() {
  cmp -s <(client_secret_value) <(gcloud secrets versions access latest --secret="$1" --project="$PROJECT" 2>/dev/null)
}

setup_token_key() {
  ensure_generated_secret "$(cfg TOKEN_KEY_SECRET_NAME)" "$TOKEN_KEY_DESCRIPTION" token_key_bytes "rotate it with infra/rotate-key.sh"
}

webhook_secret_value() {
  printf 'whsec_'
  head -c 32 /dev/urandom | base64 | tr -d '\n'
}

readonly WEBHOOK_SECRET_DESCRIPTION='whsec_ and the base64 of head -c 32 /dev/urandom, never shown or stored'

setup_webhook_secret() {
  ensure_generated_secret "$(cfg USER_EVENTS_WEBHOOK_SECRET_NAME)" "$WEBHOOK_SECRET_DESCRIPTION" webhook_secret_value \
    "receivers trust it, so a re-deploy keeps it"
}

# ensure_generated_secret NAME DESCRIPTION PRODUCER KEPT_NOTE: a secret whose first version the
# deploy generates (piped from PRODUCER); once it has an enabled version, a re-deploy keeps it.
ensure_generated_secret() {
  local name=$1 description=$2 producer=$3 kept=$4 enabled
  if ! create_secret_if_missing "$name"; then
    enabled=$(gcloud secrets versions list "$name" --filter=state:enabled --limit=1 --format='value(name)' --project="$PROJECT") ||
      die "could not list the versions of $name"
    if [[ -n $enabled ]]; then
      note "  $name has an enabled version; $kept"
      return 0
    fi
  fi
  run_fed "$description" "$producer" gcloud secrets versions add "$name" --data-file=- --project="$PROJECT"
}

webhook_secret_path() {
  printf 'projects/%s/secrets/%s' "$PROJECT" "$(cfg USER_EVENTS_WEBHOOK_SECRET_NAME)"
}

token_key_secret_path() {
  printf 'projects/%s/secrets/%s' "$PROJECT" "$(cfg TOKEN_KEY_SECRET_NAME)"
}
