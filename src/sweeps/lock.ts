// One sweep is advanced by one process at a time: a PostgreSQL advisory lock per sweep, held
// for one transaction, so two api processes (each running a controller) and a cancel request
// never act on the same sweep at once. The embedded PGlite store lives in one process; an
// in-process lock stands in there (its single connection cannot hold a transaction open
// while the work inside uses the store).
import type { Store } from '../store/index.ts'

/** Returned instead of fn's result when the lock was not free (wait false). */
export const busy: unique symbol = Symbol('busy')

const local = new Map<string, Promise<unknown>>()

/**
 * Runs fn holding the sweep's lock. With wait false, returns `busy` at once when another
 * holder has it; with wait true, queues behind it.
 */
export async function withSweepLock<T>(store: Store, sweepId: string, wait: boolean, fn: () => Promise<T>): Promise<T | typeof busy> {
  if (store.db.kind === 'postgres') {
    return store.db.tx(async (t) => {
      const sql = wait
        ? `select true as ok from pg_advisory_xact_lock(hashtext('fsdfm.sweep.' || current_schema()), hashtext($1))`
        : `select pg_try_advisory_xact_lock(hashtext('fsdfm.sweep.' || current_schema()), hashtext($1)) as ok`
      const { rows } = await t.query<{ ok: boolean }>(sql, [sweepId])
      return rows[0]?.ok ? fn() : busy
    })
  }
  const held = local.get(sweepId)
  if (held && !wait) return busy
  const run = (held ?? Promise.resolve()).then(fn, fn)
  const tail = run.catch(() => {})
  local.set(sweepId, tail)
  void tail.then(() => {
    if (local.get(sweepId) === tail) local.delete(sweepId)
  })
  return run
}
