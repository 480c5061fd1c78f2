# shellcheck shell=bash
# Step 9: log-based metrics, alerting policies and the dashboard, from the files in
# infra/monitoring/ (docs/monitoring.md). Each is looked up first: a re-run updates it in place.
# Alerting policies notify ALERT_NOTIFICATION_CHANNELS, each of which must exist first: no policy
# is created with a dangling channel.

readonly MONITORING_DIR=infra/monitoring
# Cloud Monitoring's alerting policies and notification channels are only in gcloud's alpha track.
readonly POLICIES_TRACK=alpha

setup_monitoring() {
  section "9. Monitoring: log-based metrics, alerting policies, dashboard"
  setup_log_metrics
  local channels
  channels=$(notification_channels)
  require_notification_channels "$channels"
  setup_alert_policies "$channels"
  setup_dashboard
}

# The metric's name is its file's name: infra/monitoring/metrics/NAME.json.
log_metric_files() {
  local file
  for file in "$MONITORING_DIR"/metrics/*.json; do printf '%s\n' "$file"; done
}

setup_log_metrics() {
  local file name
  while IFS= read -r file; do
    name=$(basename "$file" .json)
    if probe gcloud logging metrics describe "$name" --project="$PROJECT"; then
      run gcloud logging metrics update "$name" --config-from-file="$file" --project="$PROJECT"
    else
      run gcloud logging metrics create "$name" --config-from-file="$file" --project="$PROJECT"
    fi
  done < <(log_metric_files)
}

# ALERT_NOTIFICATION_CHANNELS as full resource names, comma-separated (a bare id names one of this project's).
notification_channels() {
  local list=() channel
  IFS=',' read -r -a list <<<"$(cfg ALERT_NOTIFICATION_CHANNELS)"
  local names=()
  for channel in "${list[@]}"; do
    channel=${channel//[[:space:]]/}
    [[ -n $channel ]] || continue
    [[ $channel == projects/* ]] || channel="projects/$PROJECT/notificationChannels/$channel"
    names+=("$channel")
  done
  local IFS=,
  printf '%s' "${names[*]}"
}

require_notification_channels() {
  local channels=$1 channel
  if [[ -z $channels ]]; then
    note "  (ALERT_NOTIFICATION_CHANNELS is empty: the alerting policies open incidents in the console and notify nobody)"
    return 0
  fi
  local list=()
  IFS=',' read -r -a list <<<"$channels"
  for channel in "${list[@]}"; do
    require_present "notification channel $channel does not exist in project $PROJECT (ALERT_NOTIFICATION_CHANNELS): create it first, see docs/monitoring.md" \
      gcloud "$POLICIES_TRACK" monitoring channels describe "$channel" --project="$PROJECT" --format='value(name)'
  done
}

setup_alert_policies() {
  local channels=$1 file display existing
  for file in "$MONITORING_DIR"/policies/*.json; do
    display=$(jq -r '.displayName' "$file")
    capture existing '' gcloud "$POLICIES_TRACK" monitoring policies list --project="$PROJECT" \
      --filter="displayName=\"$display\"" --format='value(name)'
    existing=${existing%%$'\n'*}
    if [[ -n $existing ]]; then
      # The file replaces the policy; the channels flag then sets (or, when empty, clears) its channels.
      if [[ -n $channels ]]; then
        run gcloud "$POLICIES_TRACK" monitoring policies update "$existing" --policy-from-file="$file" \
          --set-notification-channels="$channels" --project="$PROJECT"
      else
        run gcloud "$POLICIES_TRACK" monitoring policies update "$existing" --policy-from-file="$file" \
          --clear-notification-channels --project="$PROJECT"
      fi
    elif [[ -n $channels ]]; then
      run gcloud "$POLICIES_TRACK" monitoring policies create --policy-from-file="$file" \
        --notification-channels="$channels" --project="$PROJECT"
    else
      run gcloud "$POLICIES_TRACK" monitoring policies create --policy-from-file="$file" --project="$PROJECT"
    fi
  done
}

setup_dashboard() {
  local file=$MONITORING_DIR/dashboard.json display existing
  display=$(jq -r '.displayName' "$file")
  capture existing '' gcloud monitoring dashboards list --project="$PROJECT" \
    --filter="displayName=\"$display\"" --format='value(name)'
  existing=${existing%%$'\n'*}
  if [[ -n $existing ]]; then
    run gcloud monitoring dashboards update "$existing" --config-from-file="$file" --project="$PROJECT"
  else
    run gcloud monitoring dashboards create --config-from-file="$file" --project="$PROJECT"
  fi
}

# For teardown.sh: the policies and dashboard by display name, then the metrics. A dry run shows
# each delete with a placeholder name (as if it existed).
delete_monitoring() {
  local file display existing name
  for file in "$MONITORING_DIR"/policies/*.json; do
    display=$(jq -r '.displayName' "$file")
    capture existing "projects/$PROJECT/alertPolicies/ALERT_POLICY_ID" gcloud "$POLICIES_TRACK" monitoring policies list \
      --project="$PROJECT" --filter="displayName=\"$display\"" --format='value(name)'
    while IFS= read -r name; do
      [[ -z $name ]] || run_allowing "$GONE" gcloud "$POLICIES_TRACK" monitoring policies delete "$name" --project="$PROJECT" --quiet
    done <<<"$existing"
  done
  display=$(jq -r '.displayName' "$MONITORING_DIR/dashboard.json")
  capture existing "projects/$PROJECT/dashboards/DASHBOARD_ID" gcloud monitoring dashboards list --project="$PROJECT" \
    --filter="displayName=\"$display\"" --format='value(name)'
  while IFS= read -r name; do
    [[ -z $name ]] || run_allowing "$GONE" gcloud monitoring dashboards delete "$name" --project="$PROJECT" --quiet
  done <<<"$existing"
  while IFS= read -r file; do
    name=$(basename "$file" .json)
    delete_if_present gcloud logging metrics describe "$name" --project="$PROJECT" -- \
      gcloud logging metrics delete "$name" --project="$PROJECT" --quiet
  done < <(log_metric_files)
}
