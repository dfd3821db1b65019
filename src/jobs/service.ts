// The job lifecycle as the api sees it: submit (validate, store, enqueue: all or nothing) and
// cancel. The worker side of the lifecycle lives in src/worker/.
import { randomUUID } from 'node:crypto'
import { InvalidSpecError, type FieldProblem } from '../api/errors.ts'
import type { Queues } from '../queue/index.ts'
import type { JobCreate, JobKind, PipelineCreate } from '../schemas/jobs.ts'
import { JobsRepo } from '../store/jobs.ts'
import type { Store } from '../store/index.ts'
import type { Job } from '../store/types.ts'
import { failDependents } from './dependents.ts'
import { validateJob, type JobLookup, type ValidationLimits } from './validate.ts'

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
    return this.create(body)
  }

  /** Writes the row and enqueues it in one transaction; the caller has validated `body`. */
  async create(body: JobCreate, extra: { id?: string; sweepId?: string } = {}): Promise<Job> {
    return this.deps.store.db.tx(async (db) => {
      const job = await new JobsRepo(db).create({
        id: extra.id,
        kind: body.kind,
        name: body.name ?? null,
        spec: body.spec as Record<string, unknown>,
        priority: body.priority,
        gpus: body.gpus,
        tags: body.tags,
        sweepId: extra.sweepId ?? null,
      })
      await this.enqueue(job)
      return job
    })
  }

  /** (Re-)enqueues a stored job; BullMQ ignores an id it already holds. */
  enqueue(job: Job): Promise<void> {
    return this.deps.queues.enqueue({ jobId: job.id, kind: job.kind }, { gpus: job.gpus, priority: job.priority, maxAttempts: 1 })
  }

  /**
   * pretrain -> distill -> evaluate as one flow. Later stages reference earlier ones by ids
   * chosen here; validation treats those as finished jobs of the right kind, so a bad stage
   * is refused before anything is written.
   */
  async submitPipeline(body: PipelineCreate): Promise<Job[]> {
    const ids = { pretrain: randomUUID(), distill: randomUUID(), evaluate: randomUUID() }
    const common = { priority: body.priority, gpus: body.gpus, tags: body.tags }
    const label = (stage: string) => (body.name ? `${body.name}: ${stage}` : undefined)
    const stages: { id: string; parentId: string | null; body: JobCreate; path: string }[] = [
      { id: ids.pretrain, parentId: null, path: '/pretrain', body: { kind: 'pretrain', name: label('pretrain'), spec: { ...body.pretrain, datasetJobId: body.datasetJobId, modelType: 'teacher' }, ...common } },
      { id: ids.distill, parentId: ids.pretrain, path: '/distill', body: { kind: 'distill', name: label('distill'), spec: { ...body.distill, datasetJobId: body.datasetJobId, teacherJobId: ids.pretrain }, ...common } },
    ]
    if (body.evaluate)
      stages.push({
        id: ids.evaluate,
        parentId: ids.distill,
        path: '/evaluate',
        body: {
          kind: 'evaluate',
          name: label('evaluate'),
          spec: { ...body.evaluate, datasetJobId: body.datasetJobId, models: [{ name: 'teacher', jobId: ids.pretrain }, { name: 'student', jobId: ids.distill }] },
          ...common,
        },
      })
    const dataset = await this.deps.store.jobs.get(body.datasetJobId)
    const pending = new Map(stages.map((s) => [s.id, s]))
    const lookup: JobLookup = {
      get: async (id) => {
        const stage = pending.get(id)
        if (!stage) return this.deps.store.jobs.get(id)
        const now = new Date().toISOString()
        // A stage of this pipeline: as valid a reference as the finished job it will become.
        return {
          id, kind: stage.body.kind, state: 'succeeded', name: null, spec: stage.body.spec as Record<string, unknown>, priority: 0, gpus: 0, tags: [], attempt: 0,
          worker: null, device: null, progress: null, error: null, parentId: null, sweepId: null, cancelRequested: false,
          result: { checkpoint: '(pending)', vocabSize: (dataset?.result as { vocabSize?: number } | null)?.vocabSize },
          createdAt: now, startedAt: null, finishedAt: null, updatedAt: now,
        }
      },
    }
    const problems: FieldProblem[] = []
    for (const stage of stages) {
      const found = await validateJob(stage.body, lookup, this.deps.limits)
      // Report paths in the pipeline body: /spec/x of a stage is /<stage>/x; references it did not write are the pipeline's.
      for (const p of found) problems.push({ path: p.path === '/spec/datasetJobId' ? '/datasetJobId' : p.path.replace(/^\/spec/, stage.path), message: p.message })
    }
    const unique = [...new Map(problems.map((p) => [`${p.path}|${p.message}`, p])).values()]
    if (unique.length > 0) throw new InvalidSpecError(unique)

    return this.deps.store.db.tx(async (db) => {
      const repo = new JobsRepo(db)
      const jobs: Job[] = []
      for (const s of stages)
        jobs.push(await repo.create({ id: s.id, kind: s.body.kind, name: s.body.name ?? null, spec: s.body.spec as Record<string, unknown>, parentId: s.parentId, ...common }))
      const node = (i: number): import('../queue/index.ts').FlowNode => ({
        payload: { jobId: jobs[i].id, kind: jobs[i].kind as JobKind },
        gpus: body.gpus,
        priority: body.priority,
        dependsOn: i > 0 ? [node(i - 1)] : undefined,
      })
      await this.deps.queues.enqueueFlow(node(jobs.length - 1))
      return jobs
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
          if (done) {
            await failDependents(jobs, done)
            return done
          }
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
