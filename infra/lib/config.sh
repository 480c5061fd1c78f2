# shellcheck shell=bash
# Command-line flags and infra/config.env.
#
# config.env is parsed, not sourced: it is KEY=VALUE lines, and nothing in it is executed. Only
# the keys below are accepted, so a typo is an error instead of a silently ignored setting.
# Precedence: --project/--region flags, then config.env, then the defaults here.

# key|default ("" = none). Keys the functions read at run time are listed in FUNCTION_ENV_KEYS;
# *_MAX_INSTANCES are read by the function table (infra/lib/functions-table.sh).
readonly CONFIG_DEFAULTS=(
  'PROJECT_ID|'
  'REGION|us-central1'
  'FIRESTORE_LOCATION|'
  'OAUTH_CLIENT_SECRET_FILE|client_secret.json'
  'CLIENT_SECRET_NAME|oauth-client-secret'
  'TOKEN_KEY_SECRET_NAME|token-key'
  'OFFLINE_WORK_TOPIC|offline-work'
  'DISPATCH_TOPIC|offline-work-dispatch'
  'DEAD_LETTER_TOPIC|offline-work-dead-letter'
  'MAX_DELIVERY_ATTEMPTS|5'
  'WEBHOOK_MAX_DELIVERY_ATTEMPTS|20'
  'SCHEDULE|* * * * *'
  'SCHEDULE_TIME_ZONE|Etc/UTC'
  'ARTIFACT_REPOSITORY|offline-access'
  'GOOGLE_OAUTH_CLIENT_ID|'
  'GOOGLE_OAUTH_REDIRECT_URI|'
  'ALLOWED_AUDIENCES|'
  'ALLOWED_AUTHORIZED_PARTIES|'
  'ALLOWED_REDIRECT_URIS|'
  'ALLOWED_ORIGINS|'
  'REQUIRED_SCOPES|'
  'USERS_COLLECTION|users'
  'WORKER_CONCURRENCY|'
  'OFFLINE_WORK_INTERVAL|'
  'MAX_USERS_PER_RUN|'
  'LEASE_SECONDS|'
  'DISPATCH_BATCH_SIZE|'
  'DISPATCH_BUDGET_SECONDS|'
  'TOKEN_KEY_CACHE_SECONDS|'
  'REQUIRE_APP_CHECK|'
  'APP_CHECK_PROJECT_NUMBER|'
  'REWRAP_PAGE_SIZE|'
  'REWRAP_BUDGET_SECONDS|'
  'REWRAP_SETTLE_MARGIN_SECONDS|'
  'DUE_SHARDS|'
  'DISPATCH_SHARD_RATE|'
  'PHOTOS_ALBUM_TITLE|'
  'PHOTOS_MAX_OPEN_SESSIONS|'
  'WORKER_MAX_INSTANCES|'
  'DISPATCHER_MAX_INSTANCES|'
  'USER_EVENTS_TOPIC|offline-access-user-events'
  'USER_EVENTS_WEBHOOK_URL|'
  'USER_EVENTS_WEBHOOK_SECRET_NAME|user-events-webhook-secret'
  'USER_EVENTS_DEAD_LETTER_TOPIC|offline-access-user-events-dead-letter'
  'ALERT_NOTIFICATION_CHANNELS|'
)

# Passed to every function as environment variables when set (empty = the code's default).
# functions.sh adds GOOGLE_CLOUD_PROJECT, OFFLINE_WORK_TOPIC, and, where a row needs them,
# TOKEN_KEY_SECRET, DISPATCH_TOPIC, WORKER_TIMEOUT_SECONDS or REQUEST_TIMEOUT_SECONDS (the row's timeout), USER_EVENTS_TOPIC
# (even when empty: that turns events off) and the webhook's settings.
readonly FUNCTION_ENV_KEYS=(
  GOOGLE_OAUTH_CLIENT_ID GOOGLE_OAUTH_REDIRECT_URI ALLOWED_AUDIENCES ALLOWED_AUTHORIZED_PARTIES ALLOWED_REDIRECT_URIS ALLOWED_ORIGINS
  REQUIRED_SCOPES USERS_COLLECTION WORKER_CONCURRENCY OFFLINE_WORK_INTERVAL MAX_USERS_PER_RUN LEASE_SECONDS
  DISPATCH_BATCH_SIZE DISPATCH_BUDGET_SECONDS TOKEN_KEY_CACHE_SECONDS
  REQUIRE_APP_CHECK APP_CHECK_PROJECT_NUMBER REWRAP_PAGE_SIZE REWRAP_BUDGET_SECONDS REWRAP_SETTLE_MARGIN_SECONDS
  DUE_SHARDS DISPATCH_SHARD_RATE PHOTOS_ALBUM_TITLE PHOTOS_MAX_OPEN_SESSIONS
)

# gcloud's alternative list delimiter for --set-env-vars: values such as ALLOWED_AUDIENCES contain
# commas, which gcloud would otherwise split on.
readonly ENV_DELIMITER='|'

# On every resource that takes labels: shows what belongs to this product, and its cost.
readonly LABELS=app=offline-access

OPT_PROJECT=''
OPT_REGION=''
OPT_CONFIG=''
OPT_YES=false
OPT_DELETE_DATABASE=false

# parse_flags USAGE ALLOWED_EXTRA_FLAGS "$@": --project, --region, --config and --dry-run always;
# --yes and --delete-database only where the script lists them.
parse_flags() {
  local usage=$1 extra=$2
  shift 2
  while (($# > 0)); do
    local flag=$1 value=''
    if [[ $flag == --*=* ]]; then
      value=${flag#*=}
      flag=${flag%%=*}
    elif [[ $flag =~ ^--(project|region|config)$ ]]; then
      (($# >= 2)) || die "$flag needs a value"
      value=$2
      shift
    fi
    case $flag in
      --project) OPT_PROJECT=$value ;;
      --region) OPT_REGION=$value ;;
      --config) OPT_CONFIG=$value ;;
      --dry-run) DRY_RUN=true ;;
      --yes | --delete-database)
        [[ " $extra " == *" $flag "* ]] || die "unknown flag $flag"$'\n'"$usage"
        if [[ $flag == --yes ]]; then OPT_YES=true; else OPT_DELETE_DATABASE=true; fi
        ;;
      -h | --help)
        echo "$usage"
        exit 0
        ;;
      *) die "unknown argument $1"$'\n'"$usage" ;;
    esac
    shift
  done
}

cfg() {
  local name="CFG_$1"
  printf '%s' "${!name}"
}

# Reads KEY=VALUE lines; blank lines and lines starting with # are skipped; a value may be wrapped
# in single or double quotes (kept literally, no expansion).
load_config_file() {
  local file=$1 line key value number=0
  while IFS= read -r line || [[ -n $line ]]; do
    number=$((number + 1))
    line=${line#"${line%%[![:space:]]*}"}
    [[ -z $line || $line == \#* ]] && continue
    [[ $line == *=* ]] || die "$file:$number: expected KEY=VALUE"
    key=${line%%=*}
    key=${key%"${key##*[![:space:]]}"}
    value=${line#*=}
    value=${value#"${value%%[![:space:]]*}"}
    value=${value%"${value##*[![:space:]]}"}
    if [[ ${#value} -ge 2 && ( ($value == \"*\" ) || ($value == \'*\') ) ]]; then
      value=${value:1:${#value}-2}
    fi
    known_config_key "$key" || die "$file:$number: unknown setting $key (see infra/config.env.example)"
    printf -v "CFG_$key" '%s' "$value"
  done <"$file"
}

known_config_key() {
  local entry
  for entry in "${CONFIG_DEFAULTS[@]}"; do
    [[ ${entry%%|*} == "$1" ]] && return 0
  done
  return 1
}

# Loads defaults, then the file, then flags, and validates the result. Sets PROJECT and REGION.
load_config() {
  local entry
  for entry in "${CONFIG_DEFAULTS[@]}"; do
    printf -v "CFG_${entry%%|*}" '%s' "${entry#*|}"
  done
  local file=${OPT_CONFIG:-$REPO_ROOT/infra/config.env}
  if [[ -f $file ]]; then
    load_config_file "$file"
  elif [[ -n $OPT_CONFIG ]]; then
    die "config file $OPT_CONFIG not found"
  else
    die "no infra/config.env: copy infra/config.env.example to infra/config.env and fill it in"
  fi
  PROJECT=${OPT_PROJECT:-$(cfg PROJECT_ID)}
  REGION=${OPT_REGION:-$(cfg REGION)}
  [[ -n $(cfg FIRESTORE_LOCATION) ]] || CFG_FIRESTORE_LOCATION=$REGION
  validate_config
  readonly PROJECT REGION
}

validate_config() {
  [[ -n $PROJECT ]] || die "no project: pass --project or set PROJECT_ID in the config"
  [[ $PROJECT =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || die "project id '$PROJECT' is not a valid Google Cloud project id"
  [[ $REGION =~ ^[a-z]+-[a-z]+[0-9]+$ ]] || die "region '$REGION' does not look like a region (e.g. us-central1)"
  [[ $(cfg FIRESTORE_LOCATION) =~ ^[a-z0-9-]+$ ]] || die "FIRESTORE_LOCATION must be a location id (e.g. us-central1 or nam5)"
  local key
  for key in CLIENT_SECRET_NAME TOKEN_KEY_SECRET_NAME USER_EVENTS_WEBHOOK_SECRET_NAME; do
    [[ $(cfg $key) =~ ^[A-Za-z0-9_-]{1,255}$ ]] || die "$key must be letters, digits, _ or -"
  done
  for key in OFFLINE_WORK_TOPIC DISPATCH_TOPIC DEAD_LETTER_TOPIC USER_EVENTS_DEAD_LETTER_TOPIC; do
    [[ $(cfg $key) =~ ^[A-Za-z][A-Za-z0-9._~+%-]{2,254}$ ]] || die "$key is not a valid Pub/Sub topic id"
  done
  [[ $(cfg DISPATCH_TOPIC) != "$(cfg OFFLINE_WORK_TOPIC)" ]] || die "DISPATCH_TOPIC must differ from OFFLINE_WORK_TOPIC"
  [[ $(cfg USER_EVENTS_TOPIC) =~ ^([A-Za-z][A-Za-z0-9._~+%-]{2,254})?$ ]] ||
    die "USER_EVENTS_TOPIC is not a valid Pub/Sub topic id (leave it empty to turn lifecycle events off)"
  if [[ -n $(cfg USER_EVENTS_WEBHOOK_URL) ]]; then
    # The target is the operator's alone: HTTPS, no credentials in it, no fragment.
    [[ $(cfg USER_EVENTS_WEBHOOK_URL) =~ ^https://[^/@#?[:space:]]+([/?][^#[:space:]]*)?$ ]] ||
      die "USER_EVENTS_WEBHOOK_URL must be an https:// URL without credentials or #fragment"
    [[ -n $(cfg USER_EVENTS_TOPIC) ]] || die "USER_EVENTS_WEBHOOK_URL needs lifecycle events: USER_EVENTS_TOPIC is empty"
  fi
  [[ $(cfg ARTIFACT_REPOSITORY) =~ ^[a-z][a-z0-9-]{0,62}$ ]] || die "ARTIFACT_REPOSITORY must be lower-case letters, digits or -"
  [[ $(cfg USERS_COLLECTION) =~ ^[A-Za-z0-9_-]{1,100}$ ]] || die "USERS_COLLECTION must be a plain collection id"
  local attempts
  for key in MAX_DELIVERY_ATTEMPTS WEBHOOK_MAX_DELIVERY_ATTEMPTS; do
    attempts=$(cfg "$key")
    if [[ ! $attempts =~ ^[0-9]+$ ]] || ((attempts < 5 || attempts > 100)); then
      die "$key must be 5..100 (Pub/Sub's bounds)"
    fi
  done
  for key in WORKER_CONCURRENCY OFFLINE_WORK_INTERVAL MAX_USERS_PER_RUN LEASE_SECONDS DISPATCH_BATCH_SIZE \
    DISPATCH_BUDGET_SECONDS TOKEN_KEY_CACHE_SECONDS REWRAP_PAGE_SIZE REWRAP_BUDGET_SECONDS DUE_SHARDS DISPATCH_SHARD_RATE \
    WORKER_MAX_INSTANCES DISPATCHER_MAX_INSTANCES; do
    [[ $(cfg $key) =~ ^([1-9][0-9]*)?$ ]] || die "$key must be a positive whole number (or empty for the default)"
  done
  [[ $(cfg REWRAP_SETTLE_MARGIN_SECONDS) =~ ^[0-9]*$ ]] || die "REWRAP_SETTLE_MARGIN_SECONDS must be a whole number of seconds (or empty for the default)"
  [[ $(cfg GOOGLE_OAUTH_CLIENT_ID) == *.apps.googleusercontent.com ]] ||
    die "GOOGLE_OAUTH_CLIENT_ID must be the web (server) OAuth client id, ending in .apps.googleusercontent.com"
  [[ $(cfg REQUIRE_APP_CHECK) =~ ^(true|false)?$ ]] || die "REQUIRE_APP_CHECK must be true or false (or empty)"
  if [[ $(cfg REQUIRE_APP_CHECK) == true && ! $(cfg APP_CHECK_PROJECT_NUMBER) =~ ^[0-9]+$ ]]; then
    die "APP_CHECK_PROJECT_NUMBER (the Firebase project number, digits) is required when REQUIRE_APP_CHECK=true"
  fi
  [[ -n $(cfg SCHEDULE) ]] || die "SCHEDULE must be a cron expression"
  [[ $(cfg ALERT_NOTIFICATION_CHANNELS) =~ ^[[:space:]]*((projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/notificationChannels/)?[0-9]+[[:space:]]*(,[[:space:]]*|$))*$ ]] ||
    die "ALERT_NOTIFICATION_CHANNELS must be notification channel ids or names (projects/PROJECT/notificationChannels/ID), comma-separated"
  for key in "${FUNCTION_ENV_KEYS[@]}"; do
    [[ $(cfg "$key") != *"$ENV_DELIMITER"* ]] || die "$key must not contain '$ENV_DELIMITER'"
  done
}

client_secret_file() {
  local file
  file=$(cfg OAUTH_CLIENT_SECRET_FILE)
  [[ $file == /* ]] || file=$REPO_ROOT/$file
  printf '%s' "$file"
}
