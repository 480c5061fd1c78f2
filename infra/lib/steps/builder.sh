# shellcheck shell=bash
# The account Cloud Build uses to build the functions, instead of a default account that may be
# an Editor (older projects) or lack permissions (newer ones). Its grants, as Google documents
# for a custom build account, each as narrow as the resource allows:
#   roles/logging.logWriter        project (logs have no narrower resource)
#   roles/storage.objectAdmin      project, conditioned to the gcf-v2-sources-* bucket the
#                                  functions service creates on the first deploy (so it cannot be
#                                  granted on the bucket beforehand)
#   roles/artifactregistry.writer  this deployment's own Docker repository only (which keeps the 5
#                                  newest images of each function and drops the rest after 30 days)

builder_email() {
  service_account_email "$BUILDER_ACCOUNT_ID"
}

docker_repository_path() {
  printf 'projects/%s/locations/%s/repositories/%s' "$PROJECT" "$REGION" "$(cfg ARTIFACT_REPOSITORY)"
}

sources_bucket_condition() {
  printf 'expression=resource.name.startsWith("projects/_/buckets/gcf-v2-sources-%s-"),title=function-sources-only' \
    "$PROJECT_NUMBER"
}

setup_builder() {
  local member repository
  member="serviceAccount:$(builder_email)"
  repository=$(cfg ARTIFACT_REPOSITORY)
  ensure_service_account "$BUILDER_ACCOUNT_ID" "offline-access function builder"
  grant_project_role "$member" roles/logging.logWriter None
  grant_project_role "$member" roles/storage.objectAdmin "$(sources_bucket_condition)"
  probe gcloud artifacts repositories describe "$repository" --location="$REGION" --project="$PROJECT" ||
    run gcloud artifacts repositories create "$repository" --repository-format=docker --location="$REGION" \
      --description="offline-access function images" --labels="$LABELS" --project="$PROJECT"
  # Every deploy pushes an image per function: keep the recent ones, let old ones go.
  run gcloud artifacts repositories set-cleanup-policies "$repository" --location="$REGION" \
    --policy=infra/artifact-cleanup-policy.json --no-dry-run --project="$PROJECT"
  run_retrying gcloud artifacts repositories add-iam-policy-binding "$repository" --location="$REGION" \
    --member="$member" --role=roles/artifactregistry.writer --project="$PROJECT"
}
