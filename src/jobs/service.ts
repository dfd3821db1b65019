// The job lifecycle as the api sees it: submit (validate, store, and mark for the queue: all or
// nothing) and cancel. A submission needs only the store: its transaction writes the job and an
// outbox row, and the dispatcher moves it to BullMQ afterwards, so a Redis outage delays a job
// but never loses or refuses it. The worker side of the lifecycle lives in src/worker/.
import { randomUUID } from 'node:crypto'
import { InvalidSpecError, quotaExceeded, ServiceError, type FieldProblem } from '../errors.ts'
import type { Db } from '../store/db.ts'
import { claimKey, findKey, KeyTaken } from '../store/idempotency.ts'
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

/** Who submits, into which project, and what they may reference. */
export interface Submitter {
  /** The token's subject, recorded as the job's creator (null: the service itself, e.g. a sweep). */
  subject: string | null
  project: string
  /** Whether the submitter may see a project's jobs: references to others are "no job X". */
  canSee: (project: string) => boolean
  /** A retried submission with this key returns what the first one created. */
  idempotency?: IdempotencyKey
}

export interface IdempotencyKey {
  scope: string
  route: string
  key: string
  /** SHA-256 of the request body: the same key with another body is refused (422). */
  bodyHash: string
}

/** The service acting for itself (sweep trials): sees every project. */
export const serviceSubmitter = (project: string): Submitter => ({ subject: null, project, canSee: () => true })

/** Thrown inside a creating transaction whose idempotency key another request took first: roll back, answer with that one. */
/** The id of what an idempotency key already created, or null; 422 idempotency_mismatch when it came with another body. */
export async function replayOf(db: Db, key: IdempotencyKey | undefined): Promise<string | null> {
  if (!key) return null
  const hit = await findKey(db, key.scope, key.route, key.key)
  if (!hit) return null
  if (hit.bodyHash !== key.bodyHash) throw new ServiceError('idempotency_mismatch', `Idempotency-Key ${key.key} was used with a different body`)
  return hit.resource.id
}

/** Job references as the submitter may see them: another project's job, or a deleted one, is no job. */
export function visibleJobs(jobs: JobLookup, who: Submitter): JobLookup {
  return {
    get: async (id) => {
      const job = await jobs.get(id)
      return job && who.canSee(job.project) ? job : null
    },
  }
}

export class JobService {
  constructor(private readonly deps: JobServiceDeps) {}

  /**
   * Validates, then writes the row and its outbox entry in one transaction; a 400 leaves nothing
   * behind. With an idempotency key already used for this body, returns the job it created
   * (`replayed`); for another body, 422.
   */
  async submit(body: JobCreate, who: Submitter, opts: { rerunOf?: string } = {}): Promise<{ job: Job; replayed: boolean }> {
    const earlier = await this.replay(who.idempotency)
    if (earlier) return { job: (await this.deps.store.jobs.get(earlier))!, replayed: true }
    const problems = await validateJob(body, visibleJobs(this.deps.store.jobs, who), this.deps.limits, this.deps.store.uploads)
    // A rerun's spec was not written by this request: say whose it is.
    const from = opts.rerunOf ? ` (in the spec of job ${opts.rerunOf})` : ''
    if (problems.length > 0) throw new InvalidSpecError(problems.map((p) => ({ ...p, message: `${p.message}${from}` })))
    try {
      return { job: await this.create(body, { who, rerunOf: opts.rerunOf }), replayed: false }
    } catch (err) {
      if (!(err instanceof KeyTaken)) throw err
      return { job: (await this.deps.store.jobs.get((await this.replay(who.idempotency))!))!, replayed: true }
    }
  }

  private replay(key: IdempotencyKey | undefined): Promise<string | null> {
    return replayOf(this.deps.store.db, key)
  }

  /** In a creating transaction: the project's queue quota, counted under a lock so concurrent submissions cannot pass it together. */
  private async checkQuota(db: Db, project: string, adding: number): Promise<void> {
    await db.query(`select pg_advisory_xact_lock(hashtext('fsdfm.quota.' || current_schema()), hashtext($1))`, [project])
    const { rows } = await db.query<{ limit: number | null; queued: number }>(
      `select p.max_queued as limit, (select count(*)::int from jobs where project = $1 and state = 'queued' and deleted_at is null) as queued
       from projects p where p.name = $1`,
      [project],
    )
    const quota = rows[0]
    if (quota?.limit != null && quota.queued + adding > quota.limit) throw quotaExceeded(project, 'maxQueued', quota.limit, quota.queued)
  }

  /** Writes the row and its outbox entry in one transaction; the caller has validated `body`. */
  async create(body: JobCreate, extra: { id?: string; sweepId?: string; rerunOf?: string; who: Submitter }): Promise<Job> {
    const { who } = extra
    // Inline upload text goes to a file first; the spec keeps only its id (never echoed back).
    const upload = body.kind === 'dataset' && body.spec.source === 'upload' && body.spec.text !== undefined ? await storeInlineUpload(this.deps.uploads, body.spec.text) : null
    const spec = upload ? { ...(body.spec as Record<string, unknown>), text: undefined, uploadId: upload.id } : (body.spec as Record<string, unknown>)
    try {
      const job = await this.deps.store.db.tx(async (db) => {
        await this.checkQuota(db, who.project, 1)
        if (upload) await db.query('insert into uploads (id, size, sha256, project) values ($1, $2, $3, $4)', [upload.id, upload.size, upload.sha256, who.project])
        const created = await new JobsRepo(db).create({
          id: extra.id,
          kind: body.kind,
          name: body.name ?? null,
          spec: JSON.parse(JSON.stringify(spec)),
          priority: body.priority,
          gpus: body.gpus,
          tags: body.tags,
          sweepId: extra.sweepId ?? null,
          project: who.project,
          createdBy: who.subject,
          rerunOf: extra.rerunOf ?? null,
        })
        await addToOutbox(db, created.id)
        const key = who.idempotency
        if (key && !(await claimKey(db, key.scope, key.route, key.key, key.bodyHash, { id: created.id }))) throw new KeyTaken()
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
  async submitPipeline(body: PipelineCreate, who: Submitter): Promise<{ jobs: Job[]; replayed: boolean }> {
    const earlier = await this.replay(who.idempotency)
    if (earlier) return { jobs: await this.pipelineOf(earlier), replayed: true }
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
    const visible = visibleJobs(this.deps.store.jobs, who)
    const dataset = await visible.get(body.datasetJobId)
    const pending = new Map(stages.map((s) => [s.id, s]))
    const lookup: JobLookup = {
      get: async (id) => {
        const stage = pending.get(id)
        if (!stage) return visible.get(id)
        const now = new Date().toISOString()
        // A stage of this pipeline: as valid a reference as the finished job it will become.
        const base: JobBase = {
          id, project: who.project, createdBy: who.subject, deletedAt: null, deletedBy: null, state: 'succeeded', name: null, priority: 0, gpus: 0, tags: [], attempt: 0,
          worker: null, device: null, progress: null, error: null, parentId: null, sweepId: null, cancelRequested: false, fence: 0, heartbeatAt: null, provenance: null, rerunOf: null, attemptBase: 0,
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

    let jobs: Job[]
    try {
      jobs = await this.deps.store.db.tx(async (db) => {
        await this.checkQuota(db, who.project, stages.length)
        const repo = new JobsRepo(db)
        const created: Job[] = []
        for (const s of stages)
          created.push(
            await repo.create({ id: s.id, kind: s.body.kind, name: s.body.name ?? null, spec: s.body.spec as Record<string, unknown>, parentId: s.parentId, ...common, project: who.project, createdBy: who.subject }),
          )
        await addToOutbox(db, created[0].id)
        const key = who.idempotency
        if (key && !(await claimKey(db, key.scope, key.route, key.key, key.bodyHash, { id: created[0].id }))) throw new KeyTaken()
        return created
      })
    } catch (err) {
      if (!(err instanceof KeyTaken)) throw err
      return { jobs: await this.pipelineOf((await this.replay(who.idempotency))!), replayed: true }
    }
    this.deps.kick?.()
    return { jobs, replayed: false }
  }

  /** The stages of the pipeline whose first stage is `firstId`, in order. */
  private async pipelineOf(firstId: string): Promise<Job[]> {
    const jobs: Job[] = []
    for (let job = await this.deps.store.jobs.get(firstId); job; ) {
      jobs.push(job)
      const next: Job[] = (await this.deps.store.jobs.list({ parentId: job.id, includeDeleted: true, limit: 1 })).items
      job = next[0] ?? null
    }
    return jobs
  }

  /**
   * A queued job never starts: the store says so (a worker that takes it anyway sees the state
   * and skips it), so cancelling needs no Redis. A running job is asked to stop: the worker sees
   * the request within one poll, Python stops within one step and checkpoints.
   */
  async cancel(id: string, by: string | null = null): Promise<Job | null> {
    const jobs = this.deps.store.jobs
    for (let attempt = 0; attempt < 5; attempt++) {
      const job = await jobs.get(id)
      if (!job) return null
      if (job.state === 'cancelling') return job
      if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') throw new JobNotCancellable(job)
      if (job.state === 'queued') {
        const done = await jobs.transition(id, ['queued'], 'cancelled', { finishedAt: new Date().toISOString(), by })
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
      const moved = await jobs.transition(id, ['running'], 'cancelling', { by })
      if (moved) return moved
    }
    return jobs.get(id)
  }

  /**
   * Submits the spec of job `id` again as a new job (its `rerunOf` names the old one), into the
   * old job's project. The spec is checked again: what it references may be gone by now.
   */
  async rerun(id: string, who: Submitter): Promise<{ job: Job; replayed: boolean } | null> {
    const old = await this.deps.store.jobs.get(id)
    if (!old || !who.canSee(old.project)) return null
    const body = { kind: old.kind, spec: old.spec, name: old.name ?? undefined, priority: old.priority, gpus: old.gpus, tags: old.tags, project: old.project } as JobCreate
    return this.submit(body, who, { rerunOf: id })
  }

  /**
   * Puts a failed or cancelled training job back on its queue as a new attempt: the worker
   * resumes it from the checkpoint in its directory (model, EMA, optimiser, step, data order),
   * and its crash retries count afresh. `hasCheckpoint` says whether that checkpoint exists.
   */
  async resume(id: string, by: string, hasCheckpoint: (job: Job) => boolean): Promise<Job | null> {
    const job = await this.deps.store.jobs.get(id)
    if (!job) return null
    const refuse = (why: string) => new ServiceError('not_resumable', `job ${id} cannot resume: ${why}`)
    if (job.kind !== 'pretrain' && job.kind !== 'distill') throw refuse(`only pretrain and distill jobs resume from a checkpoint; a ${job.kind} job is rerun instead`)
    if (job.state !== 'failed' && job.state !== 'cancelled') throw refuse(`it is ${job.state}; only a failed or cancelled job resumes`)
    if (job.deletedAt) throw refuse('it was deleted, and its outputs with it')
    if (job.sweepId) throw refuse(`it is a trial of sweep ${job.sweepId}, which has judged it already`)
    if (!hasCheckpoint(job)) throw refuse('it left no checkpoint (it stopped before its first one); rerun it instead')
    const resumed = await this.deps.store.db.tx(async (db) => {
      await this.checkQuota(db, job.project, 1)
      return new JobsRepo(db).resume(id, [job.state], by)
    })
    if (!resumed) throw refuse('its state changed meanwhile; look again')
    this.deps.kick?.()
    return resumed
  }

  /**
   * Deletes a job: a queued or running one is cancelled first, its outputs are removed (at once,
   * or by the janitor once a running job has stopped), and the row stays as a tombstone so
   * whatever references it can say what happened. Null when missing.
   */
  async delete(id: string, by: string | null, removeOutputs: (job: Job) => Promise<void>): Promise<Job | null> {
    const job = await this.deps.store.jobs.get(id)
    if (!job) return null
    if (job.state === 'queued' || job.state === 'running') await this.cancel(id, by).catch((err) => {
      if (!(err instanceof JobNotCancellable)) throw err
    })
    const deleted = (await this.deps.store.jobs.markDeleted(id, by)) ?? (await this.deps.store.jobs.get(id))
    if (deleted && (deleted.state === 'succeeded' || deleted.state === 'failed' || deleted.state === 'cancelled')) await removeOutputs(deleted)
    return deleted
  }
}
