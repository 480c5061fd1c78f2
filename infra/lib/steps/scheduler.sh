# shellcheck shell=bash
# Step 7: a Cloud Scheduler job per scheduler-invoked function. It POSTs with an OIDC token of
# the function's own scheduler account, the only account allowed to invoke that function.

setup_schedules() {
  section "7. Cloud Scheduler"
  for_each_function setup_schedule
}

setup_schedule() {
  [[ $FN_ACCESS == scheduler ]] || return 0
  local uri job account
  capture_function_url uri
  job=$(scheduler_job_name)
  account=$(service_account_email "$(scheduler_account_id)")
  # The attempt deadline matches the function's timeout, so Scheduler waits for the whole run.
  local common=(--location="$REGION" --schedule="$(cfg SCHEDULE)" --time-zone="$(cfg SCHEDULE_TIME_ZONE)"
    --uri="$uri" --http-method=POST --message-body='{}' --attempt-deadline="$FN_TIMEOUT"
    --oidc-service-account-email="$account" --oidc-token-audience="$uri" --project="$PROJECT")
  if probe gcloud scheduler jobs describe "$job" --location="$REGION" --project="$PROJECT"; then
    run gcloud scheduler jobs update http "$job" "${common[@]}" --update-headers=Content-Type=application/json
  else
    run gcloud scheduler jobs create http "$job" "${common[@]}" --headers=Content-Type=application/json
  fi
}
