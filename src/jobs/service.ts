// The job lifecycle as the api sees it: submit (validate, store, and mark for the queue: all or
// nothing) and cancel. A submission needs only the store: its transaction writes the job and an
// outbox row, and the dispatcher moves it to BullMQ afterwards, so a Redis outage delays a job
// but never loses or refuses it. The worker side of the lifecycle lives in src/worker/.
import { randomUUID } from 'node:crypto'
import { InvalidSpecError, ServiceError, type FieldProblem } from '../errors.ts'
import type { JobCreate, PipelineCreate } from '../schemas/jobs.ts'
import { JobsRepo } from '../store/jobs.ts'
import type { Store } from '../store/index.ts'
import { addToOutbox } from '../store/outbox.ts'
import type { Job, JobBase } from '../store/types.ts'
import { failDependents } from './dependents.ts'
import { storeInlineUpload, type UploadStore } from './uploads.ts'
import { validateJob, type JobLookup, type ValidationLimits } from './validate.ts'

export interface JobServiceDeps {
  store: Store
  limits: ValidationLimits
  uploads: UploadStore
  /** Asks the dispatcher for a pass now (the outbox is drained periodically anyway). */
  kick?: () => void
}

export class JobNotCancellable extends ServiceError {
  constructor(public readonly job: Job) {
    super('not_cancellable', `job ${job.id} is already ${job.state}`)
    this.name = 'JobNotCancellable'
  }
}

export class JobService {
  constructor(private readonly deps: JobServiceDeps) {}

  /** Validates, then writes the row and its outbox entry in one transaction; a 400 leaves nothing behind. */
  async submit(body: JobCreate): Promise<Job> {
    const problems = await validateJob(body, this.deps.store.jobs, this.deps.limits, this.deps.store.uploads)
    if (problems.length > 0) throw new InvalidSpecError(problems)
    return this.create(body)
  }

  /** Writes the row and its outbox entry in one transaction; the caller has validated `body`. */
  async create(body: JobCreate, extra: { id?: string; sweepId?: string } = {}): Promise<Job> {
    // Inline upload text goes to a file first; the spec keeps only its id (never echoed back).
    const upload = body.kind === 'dataset' && body.spec.source === 'upload' && body.spec.text !== undefined ? await storeInlineUpload(this.deps.uploads, body.spec.text) : null
    const spec = upload ? { ...(body.spec as Record<string, unknown>), text: undefined, uploadId: upload.id } : (body.spec as Record<string, unknown>)
    try {
      const job = await this.deps.store.db.tx(async (db) => {
        if (upload) await db.query('insert into uploads (id, size, sha256) values ($1, $2, $3)', [upload.id, upload.size, upload.sha256])
        const created = await new JobsRepo(db).create({
          id: extra.id,
          kind: body.kind,
          name: body.name ?? null,
          spec: JSON.parse(JSON.stringify(spec)),
          priority: body.priority,
          gpus: body.gpus,
          tags: body.tags,
          sweepId: extra.sweepId ?? null,
        })
        await addToOutbox(db, created.id)
        return created
      })
      this.deps.kick?.()
      return job
    } catch (err) {
      await upload?.discard()
      throw err
    }
  }

  /**
   * pretrain -> distill -> evaluate. Later stages reference earlier ones by ids chosen here;
   * validation treats those as finished jobs of the right kind, so a bad stage is refused
   * before anything is written. Each stage has its predecessor as parentId and goes to its
   * queue only once that one succeeded (the store decides; see dispatcher.ts).
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
        const base: JobBase = {
          id, state: 'succeeded', name: null, priority: 0, gpus: 0, tags: [], attempt: 0,
          worker: null, device: null, progress: null, error: null, parentId: null, sweepId: null, cancelRequested: false, fence: 0, heartbeatAt: null,
          result: { checkpoint: '(pending)', vocabSize: (dataset?.result as { vocabSize?: number } | null)?.vocabSize, seqLen: 'seqLen' in stage.body.spec ? stage.body.spec.seqLen : undefined },
          createdAt: now, startedAt: null, finishedAt: null, updatedAt: now,
        }
        return { ...base, kind: stage.body.kind, spec: stage.body.spec } as Job
      },
    }
    const problems: FieldProblem[] = []
    for (const stage of stages) {
      const found = await validateJob(stage.body, lookup, this.deps.limits, this.deps.store.uploads)
      // Report paths in the pipeline body: /spec/x of a stage is /<stage>/x; references it did not write are the pipeline's.
      for (const p of found)
        problems.push({ path: p.path === '/spec/datasetJobId' ? '/datasetJobId' : p.path.startsWith('/spec') ? p.path.replace(/^\/spec/, stage.path) : p.path, message: p.message })
    }
    const unique = [...new Map(problems.map((p) => [`${p.path}|${p.message}`, p])).values()]
    if (unique.length > 0) throw new InvalidSpecError(unique)

    const jobs = await this.deps.store.db.tx(async (db) => {
      const repo = new JobsRepo(db)
      const created: Job[] = []
      for (const s of stages)
        created.push(await repo.create({ id: s.id, kind: s.body.kind, name: s.body.name ?? null, spec: s.body.spec as Record<string, unknown>, parentId: s.parentId, ...common }))
      await addToOutbox(db, created[0].id)
      return created
    })
    this.deps.kick?.()
    return jobs
  }

  /**
   * A queued job never starts: the store says so (a worker that takes it anyway sees the state
   * and skips it), so cancelling needs no Redis. A running job is asked to stop: the worker sees
   * the request within one poll, Python stops within one step and checkpoints.
   */
  async cancel(id: string): Promise<Job | null> {
    const jobs = this.deps.store.jobs
    for (let attempt = 0; attempt < 5; attempt++) {
      const job = await jobs.get(id)
      if (!job) return null
      if (job.state === 'cancelling') return job
      if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') throw new JobNotCancellable(job)
      if (job.state === 'queued') {
        const done = await jobs.transition(id, ['queued'], 'cancelled', { finishedAt: new Date().toISOString() })
        if (done) {
          await failDependents(jobs, done)
          // The dispatcher takes it off its queue (best effort: a worker skips a cancelled job anyway).
          await this.deps.store.outbox.add(id)
          this.deps.kick?.()
          return done
        }
        continue // a worker took it meanwhile; look again
      }
      await jobs.requestCancel(id)
      const moved = await jobs.transition(id, ['running'], 'cancelling')
      if (moved) return moved
    }
    return jobs.get(id)
  }
}
