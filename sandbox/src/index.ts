/** The sandbox Google's public surface: start it in-process, or run `sandbox/src/main.ts`. */
export { startSandboxGoogle, SANDBOX_HOST, type SandboxGoogle, type SandboxOptions, type SandboxEndpoints } from './server';
export type { SandboxAdmin, SandboxAdminStats, SandboxFaultSettings } from './admin/admin-api';
export { SandboxAdminError, type SandboxAdminErrorCode } from './admin/admin-error';
export type { MintCodeInput, MintIdTokenInput, PhotosFaults, PhotosPickInput, PhotosSessionTiming } from './admin/admin-schemas';
export type { PhotosAlbumSnapshot, PhotosMethod, PhotosSessionSnapshot, PhotosStats } from './photos';
export type { OAuthClientConfig } from './oauth/clients';
export type { EndpointFaults, FaultSettings } from './oauth/faults';
export type { SandboxStats } from './oauth/stats';
export type { GrantSnapshot } from './oauth/grants';
export type { TokenResponseBody } from './oauth/token-response';
export { AccessTokenRegistry, type IssuedAccessToken, type AccessTokenCheck } from './access-tokens';
