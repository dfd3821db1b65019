// Fencing: a worker's writes for a job carry the fence it got when it took the job; the store
// takes them only while that fence is current and the job is held (running or cancelling).
// The row lock (FOR SHARE) holds until commit, so a takeover (which bumps the fence under a
// row lock) waits for a write in flight, and every write after it is refused.
import { FencedError } from '../errors.ts'
import type { Db } from './db.ts'

export async function assertFence(t: Db, jobId: string, fence: number): Promise<void> {
  const { rows } = await t.query(`select 1 from jobs where id = $1 and fence = $2 and state in ('running', 'cancelling') for share`, [jobId, fence])
  if (!rows.length) throw new FencedError(jobId, fence)
}

/** Runs fn in a transaction that first checks the fence (when one is given). */
export function fenced<T>(db: Db, jobId: string, fence: number | undefined, fn: (t: Db) => Promise<T>): Promise<T> {
  return db.tx(async (t) => {
    if (fence !== undefined) await assertFence(t, jobId, fence)
    return fn(t)
  })
}
