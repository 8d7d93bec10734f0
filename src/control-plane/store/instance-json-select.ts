/**
 * A row of `instances` as one JSON object already shaped like an InstanceRecord (camelCase keys, `spot`
 * a boolean, the JSON columns embedded), so `JSON.parse` alone makes the record. better-sqlite3 builds
 * a result object key by key, which costs more than the read itself for a 27-column row; one text
 * column parsed by V8 is about half the cost of that and skips the per-row mapping (fromRow).
 * Every column of `instances` is here: a test compares it with fromRow.
 */
export const INSTANCE_JSON_SELECT = `json_object(${[
  `'id', "id"`,
  `'provider', "provider"`,
  `'providerId', "provider_id"`,
  `'status', "status"`,
  `'name', "name"`,
  `'instanceType', "instance_type"`,
  `'region', "region"`,
  `'zone', "zone"`,
  `'spot', json(iif("spot" = 1, 'true', 'false'))`,
  `'image', "image"`,
  `'tags', json("tags")`,
  `'volumes', json("volumes")`,
  `'idempotencyKey', "idempotency_key"`,
  `'requestHash', "request_hash"`,
  `'bootstrapChecksum', "bootstrap_checksum"`,
  `'error', json("error")`,
  `'createdAt', "created_at"`,
  `'updatedAt', "updated_at"`,
  `'terminateRequestedAt', "terminate_requested_at"`,
  `'terminatedAt', "terminated_at"`,
  `'specHash', "spec_hash"`,
  `'specHashVersion', "spec_hash_version"`,
  `'drift', json("drift")`,
  `'terminateAttempts', "terminate_attempts"`,
  `'lastTerminateAt', "last_terminate_at"`,
  `'terminateOverdueAt', "terminate_overdue_at"`,
  `'bootOverdueAt', "boot_overdue_at"`,
  `'placementId', "placement_id"`,
  `'spawnToken', "spawn_token"`,
].join(', ')})`;
