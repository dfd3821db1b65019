// A worker: one Node process per GPU slot (or one CPU worker), owning one Python process.
// It takes jobs from BullMQ, runs them through the Python runtime (or, for datasets, in
// TypeScript), relays progress and metrics into the store, honours cancel requests, and
// registers outputs. Taking a job bumps its fence in the store; every later write carries it,
// and the lease (lease.ts) stops Python before the queue lock can pass to another worker, so
// two attempts never run at once and a superseded one never writes. On SIGTERM the job is
// checkpointed and handed back to the queue without counting an attempt.
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { hostname, totalmem } from 'node:os'
import { join } from 'node:path'
import { DelayedError, Worker, type Job as BullJob } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Config } from '../config.ts'
import { buildDataset } from '../data/dataset.ts'
import { failDependents } from '../jobs/dependents.ts'
import { computeQueueFor, type JobPayload } from '../queue/index.ts'
import { withTimeout } from '../errors.ts'
import type { WorkerDevice, WorkerJob } from '../schemas/views.ts'
import { isStoreUnavailable } from '../store/db.ts'
import type { Store } from '../store/index.ts'
import type { Job, JobError, JobOf } from '../store/types.ts'
import { PythonBridge, PythonDiedError, type PingInfo } from './bridge.ts'
import { jobProvenance, workerProvenance, type WorkerProvenance } from './provenance.ts'
import type { RunStatus } from './runtime-api.ts'
import { prepareRun } from './inputs.ts'
import { jobDir } from '../jobs/paths.ts'
import { Lease, type StopReason } from './lease.ts'
import { JobWriter, type Outcome } from './writer.ts'
import { TraceRecorder } from './trace.ts'
import { LocalArtifactStore, type ArtifactStore } from './artifacts/store.ts'
import { RemoteArtifactStore, SupersededError } from './artifacts/remote.ts'
import { finishRun } from './finish.ts'
import { cpuDevice, mergeGpus, queryNvidiaSmi } from './devices.ts'
import { silentLogger, type Logger } from '../util/log.ts'


export interface WorkerDeps {
  config: Config
  store: Store
  connection: Redis
  log?: Logger
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled'])

/** The outcome of a run stopped before its end. */
function stopOutcome(reason: StopReason): Outcome {
  if (reason === 'fenced') return { kind: 'abandon' }
  return { kind: 'handback', reason: reason === 'handback' ? 'the worker is stopping (SIGTERM)' : 'the worker lost its lease on the job' }
}

interface ActiveRun {
  job: Job
  lease: Lease
  startedAt: string
}

export class FsdfmWorker {
  readonly bridge: PythonBridge
  private workers: Worker<JobPayload>[] = []
  private python: PingInfo | null = null
  /** What each job this worker runs records as its provenance (set at start). */
  private provenance: WorkerProvenance | null = null
  private readonly device: string
  protected readonly log: Logger
  private readonly active = new Set<ActiveRun>()
  private draining = false
  private registryTimer: NodeJS.Timeout | null = null
  /** Where inputs come from and outputs go: the shared directory, or the api. */
  readonly artifacts: ArtifactStore
  /** The heartbeat being written (one at a time), and the devices the last one sampled. */
  private beating: Promise<void> | null = null
  private beatAgain = false
  private lastDevices: WorkerDevice[] = []

  constructor(protected readonly deps: WorkerDeps) {
    const gpus = deps.config.gpuList
    this.device = gpus.length > 0 ? 'cuda' : 'cpu'
    this.log = (deps.log ?? silentLogger()).child({ component: 'worker', worker: deps.config.workerName })
    this.artifacts = artifactStoreFor(deps.config, this.log)
    this.bridge = new PythonBridge({
      pythonBin: deps.config.PYTHON_BIN,
      visibleDevices: gpus.length > 0 ? gpus.join(',') : '',
      modelCacheSize: deps.config.FSDFM_MODEL_CACHE,
      log: this.log.child({ component: 'python' }),
    })
  }

  get pythonInfo(): PingInfo | null {
    return this.python
  }

  /** The logger of one job's lines: each carries its id and the attempt this worker runs. */
  private jobLog(job: Job): Logger {
    return this.log.child({ jobId: job.id, attempt: job.attempt })
  }

  /** Text users read names outputs, not where they lie on this machine. */
  private readonly redact = (text: string): string =>
    text.split(this.deps.config.artifactDir).join('<artifacts>').split(this.deps.config.inputRoot).join('<inputs>')

  /** The queues this worker serves: `data` and its compute queue. */
  get queues(): string[] {
    return ['data', computeQueueFor(this.deps.config.gpuList)]
  }

  /** Starts this worker's Python and says what it runs (a Slurm worker only asks). */
  protected async startPython(): Promise<PingInfo> {
    const python = await this.bridge.start()
    if (this.device === 'cuda' && !python.cuda) throw new Error(`worker owns GPUs ${this.deps.config.FSDFM_GPUS} but PyTorch sees no CUDA device`)
    return python
  }

  /** GPUs and memory the registry shows for this worker: the api checks jobs against them. */
  protected capacity(python: PingInfo): { gpus: number; memoryBytes: number | null } {
    return { gpus: this.deps.config.gpuList.length, memoryBytes: this.device === 'cuda' ? (python.memory ?? null) : totalmem() }
  }

  /** Jobs each queue hands this worker at once: one, since they share its one Python. */
  protected get jobsAtOnce(): number {
    return 1
  }

  /** The device a job runs on (dataset jobs run in TypeScript, on the CPU). */
  protected deviceFor(job: Job): string {
    return job.kind === 'dataset' ? 'cpu' : this.device
  }

  async start(): Promise<void> {
    this.python = await this.startPython()
    const { config, connection, store } = this.deps
    // Registered before taking jobs, so the api knows which queues are served (and how much memory a device has).
    this.lastDevices = await this.sampleDevices()
    await store.workers.register({
      name: config.workerName,
      host: hostname(),
      queues: this.queues,
      ...this.capacity(this.python),
      info: { pid: process.pid, node: process.version, python: this.python.python, torch: this.python.torch, cuda: this.python.cudaVersion, device: this.python.deviceName },
      heartbeatMs: config.FSDFM_HEARTBEAT_MS,
      status: { jobs: [], devices: this.lastDevices },
    })
    this.provenance = workerProvenance({ commit: config.FSDFM_COMMIT, worker: config.workerName, device: this.device, gpus: config.gpuList.length, python: this.python })
    this.registryTimer = setInterval(() => void this.beat(), config.FSDFM_HEARTBEAT_MS)
    this.registryTimer.unref()
    const common = {
      connection,
      prefix: config.FSDFM_QUEUE_PREFIX,
      concurrency: this.jobsAtOnce,
      lockDuration: config.FSDFM_LOCK_MS,
      stalledInterval: config.FSDFM_LOCK_MS,
      // Crash retries are counted in the store (attempt) against FSDFM_MAX_ATTEMPTS, not by BullMQ.
      maxStalledCount: 1000,
    }
    this.workers = this.queues.map((q) => new Worker<JobPayload>(q, (j, token) => this.process(j, token ?? ''), common))
    for (const w of this.workers) w.on('error', (err) => this.log.error({ err }, `queue error: ${err.message}`))
    this.log.info({ queues: this.queues, torch: this.python.torch, cuda: this.python.cudaVersion }, `ready: queues ${this.queues.join(', ')}; python torch ${this.python.torch}, cuda ${this.python.cuda}`)
  }

  /**
   * Tells the store this worker is alive, with the jobs it runs and its devices sampled now.
   * Also called when it takes or ends a job, so /v1/workers shows the change at once. Never
   * waits on Python longer than a bounded call: a busy bridge keeps the last sample.
   */
  beat(): Promise<void> {
    if (this.beating) {
      // The one in flight may have read the jobs before this change: write once more after it.
      this.beatAgain = true
      return this.beating
    }
    this.beating = (async () => {
      try {
        do {
          this.beatAgain = false
          this.lastDevices = await this.sampleDevices().catch(() => this.lastDevices)
          const jobs: WorkerJob[] = [...this.active].map(({ job, startedAt }) => ({ id: job.id, kind: job.kind, attempt: job.attempt, startedAt }))
          await this.deps.store.workers.heartbeat(this.deps.config.workerName, { jobs, devices: this.lastDevices })
        } while (this.beatAgain)
      } catch (err) {
        this.log.debug({ err }, 'heartbeat not written')
      } finally {
        this.beating = null
      }
    })()
    return this.beating
  }

  private async sampleDevices(): Promise<WorkerDevice[]> {
    const gpus = this.deps.config.gpuList
    if (gpus.length === 0) return [cpuDevice()]
    const bound = Math.min(this.deps.config.FSDFM_HEARTBEAT_MS, 5000)
    const [python, smi] = await Promise.all([
      withTimeout(this.bridge.call('devices', {}), bound, () => new Error('python did not answer'))
        .then((r) => r.devices)
        .catch(() => null),
      queryNvidiaSmi(gpus, bound),
    ])
    return mergeGpus(gpus, python, smi)
  }

  /**
   * Graceful stop (SIGTERM): takes no new job, asks the running ones to checkpoint and stop, and
   * hands them back to the queue without counting an attempt. After `timeoutMs` it kills Python
   * (the job resumes from its last checkpoint elsewhere) and stops anyway.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true
    for (const run of this.active) run.lease.stop('handback')
    const closing = Promise.all(this.workers.map((w) => w.close()))
    const timedOut = await Promise.race([closing.then(() => false), sleep(timeoutMs).then(() => true)])
    if (timedOut) {
      this.log.warn(`stop: jobs did not stop within ${timeoutMs} ms; killing Python and handing them back`)
      this.bridge.kill('SIGKILL')
      if (await Promise.race([closing.then(() => false), sleep(5000).then(() => true)])) await Promise.all(this.workers.map((w) => w.close(true)))
    }
  }

  /** Stops now: running jobs are handed back after at most 3 s (killed if they take longer). */
  async close(): Promise<void> {
    if (this.registryTimer) clearInterval(this.registryTimer)
    await this.drain(Math.min(3000, this.deps.config.FSDFM_STOP_TIMEOUT_MS))
    await this.deps.store.workers.stopped(this.deps.config.workerName).catch(() => {})
    await this.bridge.close()
  }

  /**
   * The BullMQ processor. Outcomes live in the store; the queue job only records that it ran.
   * A job handed back goes back to BullMQ as a delayed job due now, so another worker (or this
   * one, restarted) takes it up at once.
   */
  private async process(bull: BullJob<JobPayload>, token: string): Promise<string> {
    if (this.draining) return this.release(bull, token)
    const claimed = await this.claim(bull.data.jobId)
    if (typeof claimed === 'string') return claimed
    const job = claimed
    const { store, config } = this.deps
    const log = this.jobLog(job)
    const lease = new Lease({ bull, token, lockMs: config.FSDFM_LOCK_MS, jobs: store.jobs, jobId: job.id, fence: job.fence, log })
    const writer = new JobWriter({ store, jobId: job.id, fence: job.fence, metricsFile: join(jobDir(config.artifactDir, job.id), 'metrics.jsonl'), redact: this.redact, log })
    const run: ActiveRun = { job, lease, startedAt: new Date().toISOString() }
    this.active.add(run)
    let outcome: Outcome
    try {
      await lease.start()
      if (this.draining) lease.stop('handback')
      if (lease.stopReason) {
        // The lock was gone before anything ran (taken over, or lost with Redis): do nothing.
        outcome = stopOutcome(lease.stopReason)
      } else {
        log.info({ kind: job.kind }, `${job.kind} job started, attempt ${job.attempt}`)
        void this.beat()
        outcome = job.kind === 'dataset' ? await this.runDataset(job, lease, writer) : await this.runCompute(job, lease, writer, log)
        if (outcome.kind === 'final' && outcome.artifacts?.length) outcome = { ...outcome, artifacts: await this.artifacts.publish(job, outcome.artifacts) }
      }
    } catch (err) {
      if (err instanceof SupersededError) outcome = { kind: 'abandon' }
      else outcome = lease.stopReason ? stopOutcome(lease.stopReason) : { kind: 'final', state: 'failed', error: errorOf(err) }
    }
    lease.close()
    const written = await writer.close(outcome).finally(() => {
      this.active.delete(run)
      void this.beat()
    })
    if (written === 'fenced') {
      log.warn('a newer attempt holds it; this one wrote nothing more')
      return 'superseded'
    }
    if (outcome.kind === 'handback') {
      log.info({ reason: outcome.reason }, `handed back: ${outcome.reason}`)
      return this.release(bull, token)
    }
    if (outcome.kind === 'final') {
      const line = `${job.kind} job ${outcome.state}${outcome.error ? `: ${outcome.error.message}` : ''}`
      if (outcome.state === 'failed') log.warn({ state: outcome.state, code: outcome.error?.code }, line)
      else log.info({ state: outcome.state }, line)
      return outcome.state
    }
    return outcome.kind
  }

  /** Puts the BullMQ job back as due now; the store's outbox re-adds it anyway if this fails. */
  private async release(bull: BullJob<JobPayload>, token: string): Promise<string> {
    try {
      await bull.moveToDelayed(Date.now(), token)
    } catch {
      return 'released' // the lock is gone: the dispatcher re-adds it from the outbox
    }
    throw new DelayedError()
  }

  /**
   * Takes the job in the store: from queued, or from a worker whose heartbeat went stale (it
   * died or stalled past its lease). A holder still heartbeating is waited for (it stops on its
   * own once its lease is gone, then hands the job back). Returns the claimed job, or why not.
   */
  private async claim(jobId: string): Promise<Job | string> {
    const { store, config } = this.deps
    const staleMs = config.FSDFM_LOCK_MS
    const deadline = Date.now() + 3 * config.FSDFM_LOCK_MS
    for (;;) {
      let job: Job | null
      try {
        job = await store.jobs.get(jobId)
        if (!job) return 'missing'
        if (TERMINAL.has(job.state)) return job.state
        if (job.parentId) {
          const parent = await store.jobs.get(job.parentId)
          if (parent?.state !== 'succeeded') return 'waiting' // its predecessor's success queues it again
        }
        const held = job.state === 'running' || job.state === 'cancelling'
        if (!held || (await store.jobs.isStale(jobId, staleMs))) {
          if (job.cancelRequested || job.state === 'cancelling') {
            const done = await store.jobs.transition(jobId, [job.state], 'cancelled', {}, { fence: job.fence })
            if (done) {
              await failDependents(store.jobs, done)
              return 'cancelled'
            }
            continue
          }
          // Counted from the last resume (POST /v1/jobs/{id}/resume), which starts a fresh budget.
          if (job.attempt - job.attemptBase >= config.FSDFM_MAX_ATTEMPTS) {
            const error = { code: 'too_many_attempts', message: `job was started ${job.attempt - job.attemptBase} times and its worker died each time` }
            const done = await store.jobs.transition(jobId, [job.state], 'failed', { error }, { fence: job.fence })
            if (done) {
              this.jobLog(job).warn({ state: 'failed', code: error.code }, `failed: ${error.message}`)
              await failDependents(store.jobs, done)
              return 'failed'
            }
            continue
          }
          const device = this.deviceFor(job)
          const { attempt: _attempt, ...provenance } = jobProvenance(this.provenance!, job, device)
          const claimed = await store.jobs.claim(jobId, { state: job.state, fence: job.fence }, { worker: config.workerName, device, staleMs, provenance })
          if (claimed) return claimed
          continue // another worker won, or the state moved: look again
        }
      } catch (err) {
        if (!isStoreUnavailable(err)) throw err
        // The store is away: keep the queue job (BullMQ renews its lock) and try again.
      }
      if (Date.now() > deadline) return 'busy' // a live holder keeps it; the reconciler re-adds it if that one dies
      await sleep(Math.min(1000, Math.max(100, config.FSDFM_LOCK_MS / 8)))
    }
  }

  /** Whether someone asked to cancel the job (false when the store does not answer: asked again next poll). */
  protected async cancelRequested(jobId: string): Promise<boolean> {
    try {
      const job = await this.deps.store.jobs.get(jobId)
      return !!job && (job.cancelRequested || job.state === 'cancelling')
    } catch {
      return false
    }
  }

  /** Watches for a cancel request while `work` runs; aborts `controller` with 'cancel' when one comes. */
  private watchCancel(jobId: string, controller: AbortController): () => void {
    const timer = setInterval(async () => {
      if (!controller.signal.aborted && (await this.cancelRequested(jobId))) controller.abort('cancel')
    }, this.deps.config.FSDFM_POLL_MS)
    return () => clearInterval(timer)
  }

  private async runDataset(job: JobOf<'dataset'>, lease: Lease, writer: JobWriter): Promise<Outcome> {
    const { config } = this.deps
    const dir = jobDir(config.artifactDir, job.id)
    const finalDir = join(dir, 'dataset')
    // Built under a name of its own attempt and moved in place at the end, so a superseded
    // attempt never writes into the directory the current one publishes.
    const tempDir = join(dir, `dataset.attempt-${job.fence}`)
    const stop = new AbortController()
    const onLease = () => stop.abort(lease.stopReason)
    lease.signal.addEventListener('abort', onLease)
    const unwatch = this.watchCancel(job.id, stop)
    let manifest
    try {
      manifest = await buildDataset(job.spec, tempDir, {
        dataRoot: config.inputRoot,
        uploadDir: await this.artifacts.uploadDir(job.spec.source === 'upload' ? job.spec.uploadId : undefined),
        signal: stop.signal,
        onProgress: (done: number, total: number) => {
          writer.setProgress({ step: done, total })
          writer.flushSoon()
        },
      })
    } catch (err) {
      rmSync(tempDir, { recursive: true, force: true })
      if (!stop.signal.aborted) throw err
      return stop.signal.reason === 'cancel' ? { kind: 'final', state: 'cancelled' } : stopOutcome(stop.signal.reason as StopReason)
    } finally {
      unwatch()
      lease.signal.removeEventListener('abort', onLease)
    }
    if (lease.stopReason === 'fenced') {
      rmSync(tempDir, { recursive: true, force: true })
      return { kind: 'abandon' }
    }
    rmSync(finalDir, { recursive: true, force: true })
    renameSync(tempDir, finalDir)
    return {
      kind: 'final',
      state: 'succeeded',
      result: {
        vocabSize: manifest.vocabSize,
        compact: manifest.compact !== null,
        tokens: { train: manifest.splits.train.tokens, validation: manifest.splits.validation.tokens },
        documents: { train: manifest.splits.train.documents, validation: manifest.splits.validation.documents },
      },
      artifacts: [
        { name: 'manifest.json', kind: 'dataset', path: join(finalDir, 'manifest.json') },
        ...Object.values(manifest.splits).map((split) => ({ name: split.file, kind: 'dataset', path: join(finalDir, split.file) })),
      ],
    }
  }

  /** Runs a Python job kind; the Slurm worker hands it to the cluster instead. */
  protected runCompute(job: Exclude<Job, JobOf<'dataset'>>, lease: Lease, writer: JobWriter, log: Logger): Promise<Outcome> {
    return this.runPython(job, lease, writer, log)
  }

  private async runPython(job: Exclude<Job, JobOf<'dataset'>>, lease: Lease, writer: JobWriter, log: Logger): Promise<Outcome> {
    const { config, store } = this.deps
    if (await this.bridge.ensureAlive()) log.warn('python process restarted')
    const workDir = jobDir(config.artifactDir, job.id)
    mkdirSync(workDir, { recursive: true })
    const prepared = await prepareRun(job, this.artifacts, (id) => store.jobs.get(id), config.inputRoot)
    // An earlier attempt may have logged points its worker never relayed; Python keeps them all.
    writer.recover()
    const { runId } = await this.bridge.call('start', {
      kind: job.kind,
      jobId: job.id,
      workDir,
      device: this.device,
      // A job on N GPUs trains as N data-parallel ranks (NCCL), one per GPU this worker owns.
      worldSize: this.device === 'cuda' ? Math.max(1, job.gpus) : 1,
      attempt: job.fence,
      leaseMs: lease.msLeft(),
      leaseGraceMs: lease.graceMs,
      config: prepared.config,
      inputs: prepared.inputs,
    })
    let stopSent = false
    let status: RunStatus
    const tracer =
      job.kind === 'sample' && job.spec.trace && prepared.vocab
        ? new TraceRecorder(prepared.vocab, job.spec.count, prepared.config as { fixedTokens?: number[]; editMask?: number[] })
        : null
    // `wait` returns as soon as the run ends, else after FSDFM_POLL_MS with the progress so far;
    // each call also moves Python's lease deadline.
    for (let first = true; ; first = false) {
      try {
        status = await this.bridge.call('wait', { runId, timeoutMs: first ? 0 : config.FSDFM_POLL_MS, leaseMs: lease.msLeft() })
      } catch (err) {
        if (err instanceof PythonDiedError) {
          await this.bridge.ensureAlive().catch(() => {})
          if (lease.stopReason) return stopOutcome(lease.stopReason)
          throw Object.assign(new Error(`the Python process died while running the job (${err.message})`), { code: 'python_died' })
        }
        throw err
      }
      writer.metrics(status.metrics)
      writer.logs(status.logs)
      if (tracer && status.trace) writer.trace(tracer.add(status.trace))
      // Python's lines go to the job's log (events, log.txt) and, with the job's id, to the worker's.
      for (const line of status.logs) log.info({ source: 'python' }, line)
      if (status.progress) writer.setProgress(status.progress)
      writer.flushSoon()
      if (status.state !== 'running') break
      if (!stopSent && (lease.stopReason || (await this.cancelRequested(job.id)))) {
        await this.bridge.call('cancel', { runId })
        stopSent = true
        log.info(`${lease.stopReason ? `stop (${lease.stopReason})` : 'cancel'} sent to python`)
      }
    }
    await this.bridge.call('forget', { runId }).catch(() => {})
    // Python stopped on its own when its lease ran out: this worker has lost the job.
    if (status.leaseExpired) lease.stop('lost')
    const reason = lease.stopReason
    if (reason === 'fenced' || (reason && status.state !== 'succeeded')) return stopOutcome(reason)

    return finishRun(job, prepared, status, workDir, config, tracer)
  }
}

/** FSDFM_ARTIFACTS: the shared directory, or the api (with the token from the environment or its file). */
function artifactStoreFor(config: Config, log: Logger): ArtifactStore {
  if (config.FSDFM_ARTIFACTS === 'local') return new LocalArtifactStore(config.artifactDir)
  const token = config.FSDFM_API_TOKEN || (config.FSDFM_API_TOKEN_FILE ? readFileSync(config.FSDFM_API_TOKEN_FILE, 'utf8').trim() : '')
  return new RemoteArtifactStore({ apiUrl: config.FSDFM_API_URL, token, artifactDir: config.artifactDir, cacheDir: config.artifactCache, log })
}

function errorOf(err: unknown): JobError {
  const e = err as Error & { code?: string }
  const code = typeof e?.code === 'string' ? e.code : e?.name === 'InputError' ? 'input_error' : 'worker_error'
  return { code, type: e?.name ?? 'Error', message: e?.message ?? String(err) }
}
