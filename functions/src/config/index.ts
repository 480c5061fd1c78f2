export { ConfigError } from './config-error';
export { loadFirestoreConfig, type FirestoreConfig } from './firestore-config';
export { loadGoogleOAuthConfig, DEFAULT_REQUIRED_SCOPES, type GoogleOAuthConfig } from './google-oauth-config';
export { loadKeySourceConfig, type KeySourceConfig } from './vault-config';
export { loadDispatchConfig, loadWorkerConfig, type DispatchConfig, type WorkerConfig } from './offline-config';
export { loadAppCheckConfig, DEFAULT_APP_CHECK_JWKS_URL, type AppCheckConfig } from './app-check-config';
export { loadRewrapConfig, type RewrapConfig } from './rewrap-config';
export { loadIdentityConfig, type IdentityConfig } from './google-identity-config';
export { loadDueIndexConfig, type DueIndexConfig } from './due-index-config';
