/**
 * The capacity model's own choices: targets it sizes for and figures nothing measured or
 * documented gives. Each is printed with the report, so a reader sees what the numbers rest on.
 */
export const MODEL = {
  /** Size shards for this share of Firestore's 500 writes/s per sequential range (the limit stays the check). */
  shardTargetShare: 0.8,
  /** Size workers and dispatchers for this share of their vCPUs. */
  cpuTarget: 0.8,
  /** The worker fleet handles this multiple of the average run rate: a tick's users are done well before the next. */
  fleetHeadroom: 1.25,
  /** Recommended: each shard claims its users of a tick within this many seconds (half a one-minute tick). */
  claimWindowSeconds: 30,
  /** DUE_SHARDS' default and floor (it may only grow), and DISPATCH_SHARD_RATE's default (issue 10). */
  minShards: 16,
  defaultShardRate: 400,
  maxShards: 4096,
  /** Max instances to set, over the instances the peak needs: room for the autoscaler's overshoot. */
  maxInstancesMargin: 1.25,
  /** A month, as Google's price pages count it. */
  secondsPerMonth: 730 * 3600,
  /** Assumed: sign-ins (code exchanges) per user per month; a returning user signs in far less often. */
  signInsPerUserMonth: 1,
  /** Assumed: sign-ins peak at this multiple of their monthly average. */
  signInPeakFactor: 10,
  /** Assumed: bytes Cloud Logging adds to each line a function writes (resource, labels, timestamps). */
  logEntryOverheadBytes: 600,
  /** Assumed: one request log entry per Cloud Run request, of this size. */
  requestLogBytes: 1024,
  /** Assumed: Firestore storage per index entry (document name, value, 32 bytes of overhead). */
  indexEntryBytes: 100,
  /** Assumed: a function instance starts (reading its secrets afresh) this often while it is busy. */
  instanceStartsPerHour: 4,
  /** TOKEN_KEY_CACHE_SECONDS' default: how long an instance keeps the token key's `latest` version. */
  tokenKeyCacheSeconds: 300,
  /** Exact key versions are cached for an hour (secret-manager-key-source.ts). */
  tokenKeyVersionCacheSeconds: 3600,
  /** The publisher batches up to this many messages per publish request (work-publisher.ts). */
  messagesPerPublishRequest: 100,
  /** Pub/Sub bills each message's 20-byte timestamp and its message_id (about 16 bytes) too. */
  messageOverheadBytes: 36,
  /** Bytes of one shard message (`{"shard": 12}`) of issue 10's dispatch topic. */
  shardMessageBytes: 12,
} as const;
