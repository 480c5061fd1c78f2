# shellcheck shell=bash
# The functions this product deploys, one line each. Adding a function is adding a line here
# (and its entry file, functions/src/entries/<kebab-case name>.ts, registered in
# functions/src/index.ts); deploy.sh, teardown.sh and the IAM derive everything else from the line.
#
#   name         function name = entry point; runOfflineWork -> entries/run-offline-work.ts
#   trigger      http | topic (OFFLINE_WORK_TOPIC, delivered by an Eventarc trigger)
#   access       public    anyone may call it (the mobile app): --allow-unauthenticated
#                scheduler only the Cloud Scheduler job's own account (OIDC), and with fan-out the
#                          dispatch topic's push account; internal ingress
#                eventarc  only its Eventarc trigger's own account; internal ingress
#                operator  only principals an operator grants run.invoker; reachable from outside
#                push      only the own account of its push subscription on USER_EVENTS_TOPIC
#                          (OIDC); internal ingress; deployed only when USER_EVENTS_WEBHOOK_URL is set
#   memory, cpu, timeout, concurrency, max-instances: per instance (concurrency > 1 needs cpu >= 1;
#                event-triggered functions time out at 540s at most). max-instances is a number, or
#                SETTING:number: the infra/config.env SETTING when it is set, else the number.
#                The dispatcher's and the worker's sizes come from the bench (docs/capacity.md).
#   needs        what the code touches, comma-separated; each maps to one narrow grant (iam.sh):
#                firestore     roles/datastore.user on the project, conditioned to this database
#                publish       roles/pubsub.publisher on OFFLINE_WORK_TOPIC
#                fan-out       roles/pubsub.publisher on DISPATCH_TOPIC, and a push subscription on it
#                              back to this function, signed as a push account only it accepts
#                              (scheduler access only): the tick fans shards out to instances
#                events        roles/pubsub.publisher on USER_EVENTS_TOPIC (nothing when events are off)
#                events-dead-letter  roles/pubsub.publisher on USER_EVENTS_DEAD_LETTER_TOPIC
#                webhook-secret      secretAccessor on the webhook secret (read with the SDK)
#                token-key     roles/secretmanager.secretAccessor on the token-key secret
#                              (read with the Secret Manager SDK: rotation needs exact versions)
#                client-secret secretAccessor on the OAuth client secret, mounted as the
#                              GOOGLE_OAUTH_CLIENT_SECRET environment variable
readonly FUNCTION_TABLE='
# name               trigger access    memory cpu   timeout concurrency max-instances needs
exchangeAuthCode     http    public    512Mi  1     60s     40          20            firestore,token-key,client-secret,events
dispatchOfflineWork  http    scheduler 512Mi  1     300s    8           DISPATCHER_MAX_INSTANCES:10 firestore,publish,fan-out,events
runOfflineWork       topic   eventarc  1Gi    1     540s    4           WORKER_MAX_INSTANCES:10     firestore,token-key,client-secret,events
disconnect           http    public    512Mi  1     60s     40          10            firestore,token-key,client-secret,events
offlineStatus        http    public    256Mi  1     30s     80          10            firestore
createPhotoPickerSession http public  512Mi  1     60s     40          10            firestore,token-key,client-secret
riscReceiver         http    public    256Mi  1     30s     80          5             firestore,events
rewrapTokens         http    operator  1Gi    1     3600s   1           1             firestore,token-key
backfillShards       http    operator  512Mi  1     3600s   1           1             firestore
deliverUserEvents    http    push      256Mi  1     60s     20          5             webhook-secret,events-dead-letter
'

# A shard message is pushed back to the dispatcher and acknowledged by its answer: Pub/Sub waits
# this long for it (a shard run stops starting pages after DISPATCH_BUDGET_SECONDS, default 50).
readonly FAN_OUT_ACK_DEADLINE_SECONDS=120

# The worker's (trigger topic) runtime settings, measured by the bench (docs/capacity.md): 32 lanes
# keep its one vCPU busy while runs wait on Google; Node's heap caps and glibc's arena cap keep its
# peak RSS near 180 MiB (about 500 MiB with Node's defaults, which size the heap from the host).
# The allocator stays glibc's (nodejs24's image has no jemalloc to preload), capped at 2 arenas,
# the setting libvips' authors advise with glibc, with a fixed mmap threshold of 1 MiB: glibc
# otherwise raises it (up to 32 MiB) each time a large block is freed, so later image buffers come
# from the arenas and stay resident as fragments; mapped, they go back to the kernel when freed.
# Decoded pixels live outside the V8 heap and are bounded by the photo job's pixel budget. The bench reads these lines
# (scripts/lib/deploy-settings.ts): worst-case-memory runs the worker with exactly them.
# The same setting in infra/config.env wins.
readonly WORKER_RUNTIME_ENV=(
  'WORKER_CONCURRENCY=32'
  'NODE_OPTIONS=--max-semi-space-size=8 --max-old-space-size=192'
  'MALLOC_ARENA_MAX=2'
  'MALLOC_MMAP_THRESHOLD_=1048576'
)

# Prints the active rows, one per line, fields separated by single spaces.
function_rows() {
  local line
  while IFS= read -r line; do
    line=${line#"${line%%[![:space:]]*}"}
    [[ -z $line || $line == \#* ]] && continue
    # shellcheck disable=SC2086 # word splitting normalises the column padding
    set -- $line
    printf '%s\n' "$*"
  done <<<"$FUNCTION_TABLE"
}

# Row fields become these globals for the duration of a loop body: see for_each_function.
FN_NAME='' FN_TRIGGER='' FN_ACCESS='' FN_MEMORY='' FN_CPU='' FN_TIMEOUT='' FN_CONCURRENCY='' FN_MAX_INSTANCES='' FN_NEEDS=''

# for_each_function CALLBACK: calls CALLBACK once per row with the FN_* globals set.
for_each_function() {
  local callback=$1 row
  while IFS= read -r row; do
    read -r FN_NAME FN_TRIGGER FN_ACCESS FN_MEMORY FN_CPU FN_TIMEOUT FN_CONCURRENCY FN_MAX_INSTANCES FN_NEEDS <<<"$row"
    "$callback"
  done < <(function_rows)
}

# for_each_deployed_function CALLBACK: for_each_function, without the rows this configuration
# does not deploy (the webhook's delivery function when USER_EVENTS_WEBHOOK_URL is empty).
for_each_deployed_function() {
  local deployed_callback=$1
  for_each_function call_if_deployed
}

# (deployed_callback is for_each_deployed_function's local: bash locals reach the functions it calls.)
call_if_deployed() {
  if function_deployed; then "$deployed_callback"; fi
}

function_deployed() {
  [[ $FN_ACCESS != push ]] || webhooks_configured
}

events_enabled() { [[ -n $(cfg USER_EVENTS_TOPIC) ]]; }
webhooks_configured() { [[ -n $(cfg USER_EVENTS_WEBHOOK_URL) ]]; }

function_needs() {
  [[ ",$FN_NEEDS," == *",$1,"* ]]
}

# The row's max instances: its number, or its SETTING's value from infra/config.env when set.
function_max_instances() {
  if [[ $FN_MAX_INSTANCES == *:* ]]; then
    local value
    value=$(cfg "${FN_MAX_INSTANCES%%:*}")
    printf '%s' "${value:-${FN_MAX_INSTANCES#*:}}"
  else
    printf '%s' "$FN_MAX_INSTANCES"
  fi
}

# exchangeAuthCode -> exchange-auth-code
kebab_case() {
  sed -E 's/([A-Z])/-\1/g' <<<"$1" | tr '[:upper:]' '[:lower:]'
}

service_account_email() {
  printf '%s@%s.iam.gserviceaccount.com' "$1" "$PROJECT"
}

# Account ids are 6-30 characters; the prefixes keep each role's account recognisable in IAM.
runtime_account_id() { printf 'fn-%s' "$(kebab_case "$FN_NAME")"; }
scheduler_account_id() { printf 'sched-%s' "$(kebab_case "$FN_NAME")"; }
trigger_account_id() { printf 'evt-%s' "$(kebab_case "$FN_NAME")"; }
push_account_id() { printf 'push-%s' "$(kebab_case "$FN_NAME")"; }
readonly BUILDER_ACCOUNT_ID='functions-builder'

scheduler_job_name() { printf 'offline-access-%s' "$(kebab_case "$FN_NAME")"; }
push_subscription_name() { printf 'offline-access-%s' "$(kebab_case "$FN_NAME")"; }

entry_file() { printf 'functions/src/entries/%s.ts' "$(kebab_case "$FN_NAME")"; }

validate_function_row() {
  local where="infra/lib/functions-table.sh: $FN_NAME"
  [[ $FN_NAME =~ ^[a-z][A-Za-z0-9]{2,40}$ ]] || die "$where: name must be camelCase letters and digits"
  [[ -n $FN_NEEDS ]] || die "$where: the row has too few columns"
  case "$FN_TRIGGER/$FN_ACCESS" in
    http/public | http/scheduler | http/operator | http/push | topic/eventarc) ;;
    *) die "$where: trigger '$FN_TRIGGER' with access '$FN_ACCESS' is not a supported pair" ;;
  esac
  [[ $FN_MEMORY =~ ^[0-9]+(Mi|Gi)$ ]] || die "$where: memory must look like 256Mi or 1Gi"
  [[ $FN_CPU =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$where: cpu must be a number of vCPUs"
  [[ $FN_TIMEOUT =~ ^[0-9]+s$ ]] || die "$where: timeout must be seconds, like 60s"
  [[ $FN_CONCURRENCY =~ ^[1-9][0-9]*$ && $FN_MAX_INSTANCES =~ ^([A-Z][A-Z0-9_]*:)?[1-9][0-9]*$ ]] ||
    die "$where: concurrency and max-instances must be positive whole numbers (max-instances may be SETTING:number)"
  if [[ $FN_MAX_INSTANCES == *:* ]] && ! known_config_key "${FN_MAX_INSTANCES%%:*}"; then
    die "$where: max-instances names ${FN_MAX_INSTANCES%%:*}, which infra/lib/config.sh does not know"
  fi
  local seconds=${FN_TIMEOUT%s}
  if [[ $FN_TRIGGER == topic ]] && ((seconds > 540)); then die "$where: event-triggered functions time out at 540s at most"; fi
  local lease
  lease=$(cfg LEASE_SECONDS)
  if [[ $FN_TRIGGER == topic && -n $lease ]] && ((lease <= seconds)); then
    die "LEASE_SECONDS ($lease) must be longer than $FN_NAME's timeout ($FN_TIMEOUT): a lease must outlive the run holding it"
  fi
  if [[ $FN_ACCESS == scheduler ]] && ((seconds > 1800)); then die "$where: Cloud Scheduler waits 1800s at most"; fi
  local budget
  budget=$(cfg DISPATCH_BUDGET_SECONDS)
  if [[ $FN_ACCESS == scheduler && -n $budget ]] && ((budget >= seconds)); then
    die "DISPATCH_BUDGET_SECONDS ($budget) must be shorter than $FN_NAME's timeout ($FN_TIMEOUT)"
  fi
  if function_needs fan-out && [[ -n $budget ]] && ((budget >= FAN_OUT_ACK_DEADLINE_SECONDS)); then
    die "DISPATCH_BUDGET_SECONDS ($budget) must be shorter than the dispatch topic's ack deadline (${FAN_OUT_ACK_DEADLINE_SECONDS}s)"
  fi
  if ((FN_CONCURRENCY > 1)) && [[ ! $FN_CPU =~ ^[1-9][0-9]*$ ]]; then die "$where: concurrency > 1 needs a cpu of 1 or more"; fi
  local need id
  for need in ${FN_NEEDS//,/ }; do
    [[ $need =~ ^(firestore|publish|fan-out|token-key|client-secret|events|events-dead-letter|webhook-secret)$ ]] || die "$where: unknown need '$need'"
  done
  if function_needs fan-out && [[ $FN_ACCESS != scheduler ]]; then die "$where: fan-out needs scheduler access (the tick fans out to the same function)"; fi
  for id in $(row_account_ids); do
    ((${#id} <= 30)) || die "$where: service account id $id is longer than 30 characters; shorten the name"
  done
}

# The service accounts the row's function has (iam.sh): its runtime account, plus its caller's.
row_account_ids() {
  runtime_account_id
  printf '\n'
  case $FN_ACCESS in
    scheduler) scheduler_account_id && printf '\n' ;;
    eventarc) trigger_account_id && printf '\n' ;;
    push) push_account_id && printf '\n' ;;
  esac
  if function_needs fan-out; then push_account_id && printf '\n'; fi
}

validate_function_table() {
  for_each_function validate_function_row
  local duplicates
  duplicates=$(function_rows | cut -d' ' -f1 | sort | uniq -d)
  [[ -z $duplicates ]] || die "infra/lib/functions-table.sh lists $duplicates twice"
}

record_entry() {
  ENTRIES_LISTED+="$(entry_file) "
  [[ -f $REPO_ROOT/$(entry_file) ]] || ENTRIES_MISSING+=("$(entry_file)")
}

# A real deploy needs every listed entry; a dry run only warns, so it can preview planned rows.
check_entry_files() {
  ENTRIES_LISTED=' '
  ENTRIES_MISSING=()
  for_each_function record_entry
  local file
  for file in "${ENTRIES_MISSING[@]}"; do
    if is_dry_run; then
      note "warning: $file does not exist yet; a real deploy would stop here"
    else
      die "$file does not exist: write it or comment out its row in infra/lib/functions-table.sh"
    fi
  done
  for file in "$REPO_ROOT"/functions/src/entries/*.ts; do
    [[ -f $file ]] || continue
    file=${file#"$REPO_ROOT/"}
    [[ $ENTRIES_LISTED == *" $file "* ]] || note "warning: $file has no row in infra/lib/functions-table.sh, so it is not deployed"
  done
}
