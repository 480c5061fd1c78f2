import type { FaultSettings } from '../oauth/faults';
import type { PhotosSandbox } from '../photos';
import type { PhotosAdmin } from '../photos/admin/photos-admin';
import type { PhotosStats } from '../photos/stats';
import { POPUP_REDIRECT_URI } from '../oauth/clients';
import type { GrantSnapshot } from '../oauth/grants';
import type { OAuthContext } from '../oauth/oauth-context';
import { grantedScopes } from '../oauth/scopes';
import { revokeGrant, type GrantRevocation } from '../oauth/revocation';
import type { SandboxStats } from '../oauth/stats';
import { completeProfile } from '../oauth/user-profile';
import { SandboxAdminError } from './admin-error';
import {
  faultSettingsSchema,
  kidSchema,
  lifetimeSchema,
  type MintCodeInput,
  mintCodeSchema,
  type MintIdTokenInput,
  mintIdTokenSchema,
  parseAdminInput,
  type PhotosFaults,
  userSchema,
} from './admin-schemas';
import { IdTokenMinter } from './mint-id-token';

/** The token endpoint's faults and, under `photos`, the Photos APIs' ones. */
export type SandboxFaultSettings = FaultSettings & { photos?: PhotosFaults };

export type SandboxAdminStats = SandboxStats & { photos: PhotosStats };

/** Test and demo controls; the HTTP admin API under /__admin/ calls exactly these. */
export interface SandboxAdmin extends PhotosAdmin {
  /** A code as the app would get from Google Sign-In (`serverAuthCode`). */
  mintCode(input: MintCodeInput): { code: string };
  revokeGrant(sub: string, clientId?: string): GrantRevocation;
  /** Google forgets the user's live access tokens (the product's cached copy goes stale). */
  expireAccessTokens(sub: string): void;
  /** How long access tokens issued from now on live (`expires_in`); tokens already issued keep theirs. */
  setAccessTokenLifetime(seconds: number): void;
  /** Refresh tokens stop working, as for an app in "Testing" after 7 days. */
  expireRefreshTokens(sub: string, clientId?: string): { refreshTokens: number };
  /** The next refresh for this user answers with a new refresh token and retires the old one. */
  rotateRefreshTokenOnNextRefresh(sub: string, clientId?: string): { grants: number };
  rotateSigningKey(): Promise<{ kid: string }>;
  /** Stops publishing a rotated-out key (tokens it signed stop verifying). */
  dropSigningKey(kid: string): void;
  signingKeys(): { current: string; published: string[] };
  /** Replaces the fault settings (token endpoint and Photos); `{}` turns every fault off. */
  setFaults(settings: SandboxFaultSettings): void;
  faults(): SandboxFaultSettings;
  grants(sub: string): GrantSnapshot[];
  stats(): SandboxAdminStats;
  /** Forgets codes, grants, access tokens, faults, stats, Drive files and Photos state, and restores the access-token lifetime. Signing keys stay, so cached certs stay valid. */
  reset(): void;
  mintIdToken(input?: MintIdTokenInput): Promise<{ idToken: string }>;
}

/** `resetOthers` clears the state of the sandbox's other services (Drive) along with OAuth's. */
export function createSandboxAdmin(
  context: OAuthContext,
  photos: Omit<PhotosSandbox, 'routes'>,
  resetOthers: () => void = () => {},
): SandboxAdmin {
  const minter = new IdTokenMinter(context.keys, context.now, context.clients.defaultClient?.clientId);
  const configuredLifetime = context.accessTokenLifetimeSeconds;
  return {
    ...photos.admin,
    mintCode: (input) => mintCode(context, input),
    revokeGrant: (sub, clientId) => {
      const user = parseAdminInput(userSchema, { sub, clientId });
      return revokeGrant(context, user.sub, user.clientId);
    },
    expireAccessTokens: (sub) => context.accessTokens.expireAllFor(parseAdminInput(userSchema, { sub }).sub),
    setAccessTokenLifetime: (seconds) => {
      context.accessTokenLifetimeSeconds = parseAdminInput(lifetimeSchema, { seconds }).seconds;
    },
    expireRefreshTokens: (sub, clientId) => {
      const user = parseAdminInput(userSchema, { sub, clientId });
      return { refreshTokens: context.grants.expireRefreshTokens(user.sub, user.clientId) };
    },
    rotateRefreshTokenOnNextRefresh: (sub, clientId) => {
      const user = parseAdminInput(userSchema, { sub, clientId });
      const grants = context.grants.setRotateNextRefresh(user.sub, user.clientId);
      if (grants === 0) throw new SandboxAdminError('not_found', 'no grant for this user');
      return { grants };
    },
    rotateSigningKey: async () => ({ kid: (await context.keys.rotate(context.now())).kid }),
    dropSigningKey: (kid) => dropSigningKey(context, parseAdminInput(kidSchema, { kid }).kid),
    signingKeys: () => ({ current: context.keys.current.kid, published: context.keys.published.map((key) => key.kid) }),
    setFaults: (settings) => {
      const { photos: photosFaults, ...oauthFaults } = parseAdminInput(faultSettingsSchema, settings);
      context.faults.set(oauthFaults);
      photos.setFaults(photosFaults ?? {});
    },
    faults: () => {
      const photosFaults = photos.faults();
      return { ...context.faults.current(), ...(Object.keys(photosFaults).length > 0 ? { photos: photosFaults } : {}) };
    },
    grants: (sub) => context.grants.snapshot(parseAdminInput(userSchema, { sub }).sub),
    stats: () => ({ ...context.stats.snapshot(), photos: photos.stats() }),
    reset: () => {
      context.codes.clear();
      context.grants.clear();
      context.accessTokens.clear();
      context.faults.clear();
      context.stats.reset();
      context.accessTokenLifetimeSeconds = configuredLifetime;
      photos.reset();
      resetOthers();
    },
    mintIdToken: async (input = {}) => ({ idToken: await minter.mint(parseAdminInput(mintIdTokenSchema, input)) }),
  };
}

function mintCode(context: OAuthContext, input: MintCodeInput): { code: string } {
  const request = parseAdminInput(mintCodeSchema, input);
  const client = request.clientId === undefined ? context.clients.defaultClient : context.clients.find(request.clientId);
  if (!client) throw new SandboxAdminError('unknown_client', 'no such OAuth client is configured in the sandbox');
  const redirectUri = request.redirectUri ?? '';
  if (redirectUri !== '' && redirectUri !== POPUP_REDIRECT_URI && !client.redirectUris.includes(redirectUri)) {
    throw new SandboxAdminError('redirect_uri_not_registered', `redirect URI ${redirectUri} is not registered for the client`);
  }
  const minted = context.codes.mint(
    {
      clientId: client.clientId,
      redirectUri,
      authorizedParty: request.authorizedParty ?? client.clientId,
      profile: completeProfile(request),
      scopes: grantedScopes(request.scopes),
      forceConsent: request.forceConsent ?? false,
    },
    context.codeLifetimeSeconds,
  );
  return { code: minted.code };
}

function dropSigningKey(context: OAuthContext, kid: string): void {
  const result = context.keys.drop(kid);
  if (result === 'unknown_kid') throw new SandboxAdminError('unknown_kid', 'no published signing key has this kid');
  if (result === 'is_current') throw new SandboxAdminError('current_signing_key', 'the current signing key cannot be dropped; rotate first');
}
