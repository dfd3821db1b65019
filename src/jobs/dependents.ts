// Pipeline stages wait on the job before them (parentId). When a job ends without success,
// the stages after it can never run: fail them, transitively, naming the job that ended.
import type { JobsRepo } from '../store/jobs.ts'
import type { Job } from '../store/types.ts'

export async function failDependents(jobs: JobsRepo, job: Job): Promise<Job[]> {
  const failed: Job[] = []
  const { items } = await jobs.list({ parentId: job.id, state: ['queued'], limit: 500 })
  for (const dep of items) {
    const reason = `upstream job ${job.id} (${job.kind}) ended ${job.state}${job.error ? `: ${job.error.message}` : ''}`
    const done = await jobs.transition(dep.id, ['queued'], 'failed', { error: { code: 'dependency_failed', message: reason, upstreamJobId: job.id } })
    if (done) failed.push(done, ...(await failDependents(jobs, done)))
  }
  return failed
}
