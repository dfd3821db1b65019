// Idempotency keys: a client that retries a creation (after a timeout) with the same key gets
// the resource its first request created instead of a second one. The key row is written in the
// creation's own transaction; a concurrent retry waits on its primary key and then finds it.
import type { Db } from './db.ts'
import { jsonParam } from './sql.ts'

export interface KeyHit {
  bodyHash: string
  resource: { id: string; [key: string]: unknown }
}

/** How long a key is remembered. */
/** Thrown inside a creating transaction when a concurrent request holds the key: rolls the creation back. */
export class KeyTaken extends Error {}

export const IDEMPOTENCY_TTL_HOURS = 24

export async function findKey(db: Db, scope: string, route: string, key: string): Promise<KeyHit | null> {
  const { rows } = await db.query<{ body_hash: string; resource: KeyHit['resource'] }>(
    `select body_hash, resource from idempotency_keys
     where scope = $1 and route = $2 and key = $3 and created_at > now() - make_interval(hours => $4)`,
    [scope, route, key, IDEMPOTENCY_TTL_HOURS],
  )
  return rows.length ? { bodyHash: rows[0].body_hash, resource: rows[0].resource } : null
}

/**
 * Inside the creating transaction: claims the key (waiting for a concurrent holder to commit)
 * and records what it created. Returns false when the key was already taken, the creation must
 * then roll back and the caller answer with what the key holds.
 */
export async function claimKey(db: Db, scope: string, route: string, key: string, bodyHash: string, resource: KeyHit['resource']): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into idempotency_keys (scope, route, key, body_hash, resource) values ($1, $2, $3, $4, $5::jsonb)
     on conflict (scope, route, key) do update set body_hash = excluded.body_hash, resource = excluded.resource, created_at = now()
       where idempotency_keys.created_at <= now() - make_interval(hours => $6)`,
    [scope, route, key, bodyHash, jsonParam(resource), IDEMPOTENCY_TTL_HOURS],
  )
  return rowCount > 0
}
