// The job lifecycle as the api sees it: submit (validate, store, enqueue: all or nothing) and
// cancel. The worker side of the lifecycle lives in src/worker/.
import { InvalidSpecError } from '../api/errors.ts'
import type { Queues } from '../queue/index.ts'
import type { JobCreate } from '../schemas/jobs.ts'
import { JobsRepo } from '../store/jobs.ts'
import type { Store } from '../store/index.ts'
import type { Job } from '../store/types.ts'
import { validateJob, type ValidationLimits } from './validate.ts'

export interface JobServiceDeps {
  store: Store
  queues: Queues
  limits: ValidationLimits
}

export class JobNotCancellable extends Error {
  constructor(public readonly job: Job) {
    super(`job ${job.id} is already ${job.state}`)
    this.name = 'JobNotCancellable'
  }
}

export class JobService {
  constructor(private readonly deps: JobServiceDeps) {}

  /** Validates, writes the row and enqueues in one transaction: a failed enqueue leaves no row behind. */
  async submit(body: JobCreate): Promise<Job> {
    const problems = await validateJob(body, this.deps.store.jobs, this.deps.limits)
    if (problems.length > 0) throw new InvalidSpecError(problems)
    return this.deps.store.db.tx(async (db) => {
      const job = await new JobsRepo(db).create({
        kind: body.kind,
        name: body.name ?? null,
        spec: body.spec as Record<string, unknown>,
        priority: body.priority,
        gpus: body.gpus,
        tags: body.tags,
      })
      await this.deps.queues.enqueue({ jobId: job.id, kind: job.kind }, { gpus: job.gpus, priority: job.priority, maxAttempts: 1 })
      return job
    })
  }

  /**
   * A queued job is removed from its queue and never starts. A running job is asked to stop:
   * the worker sees the request within one poll, Python stops within one step and checkpoints.
   */
  async cancel(id: string): Promise<Job | null> {
    const jobs = this.deps.store.jobs
    for (let attempt = 0; attempt < 5; attempt++) {
      const job = await jobs.get(id)
      if (!job) return null
      if (job.state === 'cancelling') return job
      if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') throw new JobNotCancellable(job)
      if (job.state === 'queued') {
        if (await this.deps.queues.removeWaiting({ jobId: job.id, kind: job.kind }, job.gpus)) {
          const done = await jobs.transition(id, ['queued'], 'cancelled', { finishedAt: new Date().toISOString() })
          if (done) return done
          continue // a worker moved it meanwhile; look again
        }
      }
      await jobs.requestCancel(id)
      const moved = await jobs.transition(id, ['running', 'queued'], 'cancelling')
      if (moved) return moved
    }
    return jobs.get(id)
  }
}
