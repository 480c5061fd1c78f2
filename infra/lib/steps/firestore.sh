# shellcheck shell=bash
# Step 2: the Firestore database, its indexes and TTL policies (from infra/firestore.indexes.json,
# the Firebase CLI's format, so `firebase deploy --only firestore` reads the same file) and rules.

# The product's clients use the default database (no databaseId in the Firestore constructor).
readonly FIRESTORE_DATABASE='(default)'
readonly INDEXES_FILE=infra/firestore.indexes.json

setup_firestore() {
  section "2. Firestore: database, indexes, TTL, rules"
  ensure_database
  create_composite_indexes
  apply_field_overrides
  deploy_firestore_rules
}

ensure_database() {
  if probe gcloud firestore databases describe --database="$FIRESTORE_DATABASE" --project="$PROJECT"; then
    local type
    capture type FIRESTORE_NATIVE gcloud firestore databases describe --database="$FIRESTORE_DATABASE" \
      --project="$PROJECT" --format='value(type)'
    [[ $type == FIRESTORE_NATIVE ]] || die "the project's $FIRESTORE_DATABASE database is $type; this product needs Firestore in Native mode"
  else
    # Delete protection: the database holds every user's refresh token. teardown.sh lifts it
    # only when asked to delete the database.
    run gcloud firestore databases create --database="$FIRESTORE_DATABASE" --location="$(cfg FIRESTORE_LOCATION)" \
      --type=firestore-native --delete-protection --project="$PROJECT"
  fi
}

# One tab-separated line per composite index: collection group, query scope, field configs.
# The file names the users collection "users"; USERS_COLLECTION renames it consistently.
composite_index_specs() {
  jq -r --arg users "$(cfg USERS_COLLECTION)" '
    (.indexes // [])[]
    | [ (if .collectionGroup == "users" then $users else .collectionGroup end),
        (.queryScope // "COLLECTION" | ascii_downcase | gsub("_"; "-")),
        (.fields[] | "field-path=\(.fieldPath)," +
          (if .order then "order=\(.order | ascii_downcase)" else "array-config=\(.arrayConfig | ascii_downcase)" end))
      ]
    | @tsv' "$INDEXES_FILE"
}

create_composite_indexes() {
  local spec parts field_flags=() field
  while IFS= read -r spec; do
    IFS=$'\t' read -r -a parts <<<"$spec"
    field_flags=()
    for field in "${parts[@]:2}"; do field_flags+=("--field-config=$field"); done
    # There is no describe-by-fields, so creating is the check: "already exists" means done.
    run_allowing 'already exists' gcloud firestore indexes composite create --database="$FIRESTORE_DATABASE" \
      --collection-group="${parts[0]}" --query-scope="${parts[1]}" "${field_flags[@]}" --project="$PROJECT"
  done < <(composite_index_specs)
}

# One tab-separated line per field override: collection group, field, ttl (true/false), and
# "exempt" when its single-field indexes are switched off ("indexes": []), "array-contains" when
# only that one is kept (an array queried with array-contains and nothing else), "keep" otherwise.
field_override_specs() {
  jq -r --arg users "$(cfg USERS_COLLECTION)" '
    (.fieldOverrides // [])[]
    | [ (if .collectionGroup == "users" then $users else .collectionGroup end),
        .fieldPath,
        (.ttl // false | tostring),
        (if has("indexes") | not then "keep"
         elif (.indexes | length) == 0 then "exempt"
         elif .indexes == [{"arrayConfig": "CONTAINS", "queryScope": "COLLECTION"}] then "array-contains"
         else error("only \"indexes\": [] or one collection-scoped array-contains index are supported") end)
      ]
    | @tsv' "$INDEXES_FILE"
}

apply_field_overrides() {
  local group field ttl indexes
  while IFS=$'\t' read -r group field ttl indexes; do
    if [[ $ttl == true ]]; then
      # Firestore deletes a document some time (typically within a day) after its timestamp.
      run gcloud firestore fields ttls update "$field" --database="$FIRESTORE_DATABASE" \
        --collection-group="$group" --enable-ttl --project="$PROJECT"
    fi
    if [[ $indexes == exempt ]]; then
      # A field nobody queries is only write cost if indexed (and a timestamp, a hot range).
      run gcloud firestore indexes fields update "$field" --database="$FIRESTORE_DATABASE" \
        --collection-group="$group" --disable-indexes --project="$PROJECT"
    elif [[ $indexes == array-contains ]]; then
      run gcloud firestore indexes fields update "$field" --database="$FIRESTORE_DATABASE" \
        --collection-group="$group" --index=array-config=contains --project="$PROJECT"
    fi
  done < <(field_override_specs)
}
