# shellcheck shell=bash
# Step 1: the Google APIs the deployment uses. Enabling an enabled API is a no-op.
readonly REQUIRED_APIS=(
  cloudfunctions.googleapis.com   # the functions (gen2)
  run.googleapis.com              # gen2 functions run as Cloud Run services
  cloudbuild.googleapis.com       # builds the function images
  artifactregistry.googleapis.com # stores them
  eventarc.googleapis.com         # delivers OFFLINE_WORK_TOPIC messages to runOfflineWork
  pubsub.googleapis.com
  firestore.googleapis.com
  firebaserules.googleapis.com    # firestore.rules
  secretmanager.googleapis.com
  cloudscheduler.googleapis.com
  iam.googleapis.com              # service accounts
  cloudresourcemanager.googleapis.com # project-level IAM bindings
  logging.googleapis.com          # log-based metrics (infra/monitoring/)
  monitoring.googleapis.com       # alerting policies, dashboard
  # The Google APIs the offline work calls with users' tokens count against the OAuth client's
  # project: this one, when the client was created here (otherwise enable them there).
  drive.googleapis.com
  photospicker.googleapis.com     # Google Photos Picker API (docs/google-photos.md)
  photoslibrary.googleapis.com    # Google Photos Library API: uploads, the app's album
)

enable_apis() {
  section "1. Enable APIs"
  run gcloud services enable "${REQUIRED_APIS[@]}" --project="$PROJECT"
}
