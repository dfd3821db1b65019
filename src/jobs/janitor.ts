// Outputs that should go: those of deleted jobs (once they have stopped) and, with
// FSDFM_ARTIFACT_RETENTION_DAYS, those of jobs that finished longer ago than that. The rows stay:
// a job whose outputs are gone still says what it was, and references to it say why they fail.
import { rm } from 'node:fs/promises'
import type { Store } from '../store/index.ts'
import type { Job } from '../store/types.ts'
import { jobDir } from './paths.ts'

/** Removes a job's files and artifact rows. */
export async function removeOutputs(store: Store, artifactDir: string, job: Pick<Job, 'id'>): Promise<void> {
  await rm(jobDir(artifactDir, job.id), { recursive: true, force: true })
  await store.db.query('delete from artifacts where job_id = $1', [job.id])
}

/** One pass: returns how many jobs' outputs it removed. */
export async function sweepOutputs(store: Store, artifactDir: string, retentionDays: number): Promise<number> {
  const { rows } = await store.db.query<{ id: string }>(
    `select j.id from jobs j
     where j.state in ('succeeded', 'failed', 'cancelled')
       and (j.deleted_at is not null or ($1::float8 > 0 and j.finished_at < now() - make_interval(secs => $1::float8 * 86400)))
       and exists (select 1 from artifacts a where a.job_id = j.id)
     limit 200`,
    [retentionDays],
  )
  for (const r of rows) await removeOutputs(store, artifactDir, r)
  return rows.length
}
