// A worker: one Node process per GPU slot (or one CPU worker), owning one Python process.
// It takes jobs from BullMQ, runs them through the Python runtime (or, for datasets, in
// TypeScript), relays progress and metrics into the store, honours cancel requests, and
// registers outputs. State transitions are guarded in the store, so a job whose worker died
// and that BullMQ hands to another worker resumes instead of running twice.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Worker, type Job as BullJob } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Config } from '../config.ts'
import { renderReportTable } from '../api/jobs/report.ts'
import { buildDataset } from '../data/dataset.ts'
import { decodeTokens } from '../data/tokenizer.ts'
import { failDependents } from '../jobs/dependents.ts'
import { computeQueueFor, type JobPayload } from '../queue/index.ts'
import type { DatasetSpec } from '../schemas/jobs.ts'
import type { Store } from '../store/index.ts'
import type { Job, JobError } from '../store/types.ts'
import { PythonBridge, PythonDiedError, type PingInfo } from './bridge.ts'
import { jobDir, prepareRun } from './inputs.ts'

export interface RunStatus {
  runId: string
  state: 'running' | 'succeeded' | 'failed' | 'cancelled'
  progress: Record<string, unknown> | null
  metrics: { name: string; step: number; value: number }[]
  logs: string[]
  result: ({ artifacts?: { name: string; path: string; kind: string }[] } & Record<string, unknown>) | null
  error: { type: string; message: string; frame?: string; traceback?: string } | null
}

export interface WorkerDeps {
  config: Config
  store: Store
  connection: Redis
  log?: (msg: string) => void
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export class FsdfmWorker {
  readonly bridge: PythonBridge
  private workers: Worker<JobPayload>[] = []
  private python: PingInfo | null = null
  private readonly device: string
  private readonly log: (msg: string) => void
  /** Echo Python's log lines (they are always kept as job events and in the job's log.txt). */
  private readonly verbose: boolean

  constructor(private readonly deps: WorkerDeps) {
    const gpus = deps.config.gpuList
    this.device = gpus.length > 0 ? 'cuda' : 'cpu'
    this.log = deps.log ?? ((m) => console.log(`[worker ${deps.config.workerName}] ${m}`))
    this.verbose = deps.config.FSDFM_LOG_LEVEL === 'debug' || deps.config.FSDFM_LOG_LEVEL === 'trace'
    this.bridge = new PythonBridge({
      pythonBin: deps.config.PYTHON_BIN,
      visibleDevices: gpus.length > 0 ? gpus.join(',') : '',
      modelCacheSize: deps.config.FSDFM_MODEL_CACHE,
      log: this.log,
    })
  }

  get pythonInfo(): PingInfo | null {
    return this.python
  }

  async start(): Promise<void> {
    this.python = await this.bridge.start()
    if (this.device === 'cuda' && !this.python.cuda) throw new Error(`worker owns GPUs ${this.deps.config.FSDFM_GPUS} but PyTorch sees no CUDA device`)
    const { config, connection } = this.deps
    const common = {
      connection,
      prefix: config.FSDFM_QUEUE_PREFIX,
      concurrency: 1,
      lockDuration: config.FSDFM_LOCK_MS,
      stalledInterval: config.FSDFM_LOCK_MS,
      // Crash retries are counted in the store (attempt) against FSDFM_MAX_ATTEMPTS, not by BullMQ.
      maxStalledCount: 1000,
    }
    this.workers = [
      new Worker<JobPayload>('data', (j) => this.process(j), common),
      new Worker<JobPayload>(computeQueueFor(config.gpuList), (j) => this.process(j), common),
    ]
    for (const w of this.workers) w.on('error', (err) => this.log(`queue error: ${err.message}`))
    this.log(`ready: queues data, ${computeQueueFor(config.gpuList)}; python torch ${this.python.torch}, cuda ${this.python.cuda}`)
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()))
    await this.bridge.close()
  }

  /** The BullMQ processor. Outcomes live in the store; the queue job only records that it ran. */
  private async process(bull: BullJob<JobPayload>): Promise<string> {
    const jobs = this.deps.store.jobs
    let job = await jobs.get(bull.data.jobId)
    // The api enqueues inside its insert transaction, so a fast worker can see the id before the
    // row commits: look again after 5, 10, 20 ... ms (about 3 s in all).
    for (let i = 0, delay = 5; !job && i < 12; i++, delay = Math.min(delay * 2, 500)) {
      await sleep(delay)
      job = await jobs.get(bull.data.jobId)
    }
    if (!job) return 'missing'
    if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') return job.state
    if (job.cancelRequested || job.state === 'cancelling') {
      await jobs.transition(job.id, ['queued', 'running', 'cancelling'], 'cancelled', {})
      return 'cancelled'
    }
    if (job.attempt >= this.deps.config.FSDFM_MAX_ATTEMPTS) {
      await this.fail(job, { code: 'too_many_attempts', message: `job was started ${job.attempt} times and its worker died each time` })
      return 'failed'
    }
    const running = await jobs.transition(job.id, ['queued', 'running'], 'running', {
      worker: this.deps.config.workerName,
      device: job.kind === 'dataset' ? 'cpu' : this.device,
      attemptIncrement: 1,
      startedAt: job.startedAt ?? new Date().toISOString(),
      error: null,
    })
    if (!running) return 'raced' // cancelled meanwhile
    this.log(`job ${job.id} (${job.kind}) started, attempt ${running.attempt}`)
    try {
      if (job.kind === 'dataset') await this.runDataset(running, bull)
      else await this.runPython(running, bull)
    } catch (err) {
      await this.fail(running, errorOf(err))
    }
    const final = await jobs.get(job.id)
    if (final && final.state !== 'succeeded') {
      // Pipelines: BullMQ fails the stages after this one (failParentOnFailure); the store says why.
      await failDependents(jobs, final)
      throw new JobEndedError(`job ${final.id} ended ${final.state}`)
    }
    return 'succeeded'
  }

  private async fail(job: Job, error: JobError): Promise<void> {
    this.log(`job ${job.id} failed: ${error.message}`)
    await this.deps.store.jobs.transition(job.id, ['queued', 'running', 'cancelling'], 'failed', { error })
  }

  private async runDataset(job: Job, bull: BullJob<JobPayload>): Promise<void> {
    const outDir = join(jobDir(this.deps.config.artifactDir, job.id), 'dataset')
    const manifest = await buildDataset(job.spec as unknown as DatasetSpec, outDir, {
      dataRoot: this.deps.config.inputRoot,
      onProgress: (done: number, total: number) => {
        void bull.updateProgress({ step: done, total })
      },
    })
    const artifacts = this.deps.store.artifacts
    await artifacts.register(job.id, { name: 'manifest.json', kind: 'dataset', path: join(outDir, 'manifest.json') })
    for (const split of Object.values(manifest.splits)) await artifacts.register(job.id, { name: split.file, kind: 'dataset', path: join(outDir, split.file) })
    const result = {
      vocabSize: manifest.vocabSize,
      compact: manifest.compact !== null,
      tokens: { train: manifest.splits.train.tokens, validation: manifest.splits.validation.tokens },
      documents: { train: manifest.splits.train.documents, validation: manifest.splits.validation.documents },
      datasetDir: outDir,
    }
    await this.deps.store.jobs.transition(job.id, ['running'], 'succeeded', { result, progress: { step: 1, total: 1 } })
  }

  private async runPython(job: Job, bull: BullJob<JobPayload>): Promise<void> {
    const { config, store } = this.deps
    if (await this.bridge.ensureAlive()) this.log('python process restarted')
    const workDir = jobDir(config.artifactDir, job.id)
    mkdirSync(workDir, { recursive: true })
    const prepared = await prepareRun(job, config.artifactDir, (id) => store.jobs.get(id), config.inputRoot)
    // A crashed attempt may have logged points its worker never relayed; Python keeps them all.
    if (job.attempt > 1) await recoverMetrics(store, job.id, join(workDir, 'metrics.jsonl'))
    const { runId } = await this.bridge.call<{ runId: string }>('start', {
      kind: job.kind,
      jobId: job.id,
      workDir,
      device: this.device,
      // A job on N GPUs trains as N data-parallel ranks (NCCL), one per GPU this worker owns.
      worldSize: this.device === 'cuda' ? Math.max(1, job.gpus) : 1,
      seed: Number((job.spec as { seed?: number }).seed ?? 0),
      config: prepared.config,
      inputs: prepared.inputs,
    })
    let cancelSent = false
    let status: RunStatus
    // `wait` returns as soon as the run ends, else after FSDFM_POLL_MS with the progress so far:
    // a short job's end costs no poll interval, a long job is still looked at regularly.
    for (let first = true; ; first = false) {
      try {
        status = await this.bridge.call<RunStatus>('wait', { runId, timeoutMs: first ? 0 : config.FSDFM_POLL_MS })
      } catch (err) {
        if (err instanceof PythonDiedError) {
          await this.bridge.ensureAlive().catch(() => {})
          throw Object.assign(new Error(`the Python process died while running the job (${err.message})`), { code: 'python_died' })
        }
        throw err
      }
      if (status.metrics.length > 0) await store.metrics.record(job.id, status.metrics)
      for (const line of status.logs) {
        if (this.verbose) this.log(`job ${job.id}: ${line}`)
        await store.events.append(job.id, 'log', { line })
      }
      if (status.progress) {
        await store.jobs.setProgress(job.id, status.progress)
        await bull.updateProgress(status.progress).catch(() => {})
      }
      if (status.state !== 'running') break
      if (!cancelSent) {
        const current = await store.jobs.get(job.id)
        if (current?.cancelRequested) {
          await this.bridge.call('cancel', { runId })
          cancelSent = true
          this.log(`job ${job.id}: cancel sent to python`)
        }
      }
    }
    await this.bridge.call('forget', { runId }).catch(() => {})

    const result = status.result ?? {}
    for (const a of result.artifacts ?? []) await store.artifacts.register(job.id, { name: a.name, kind: a.kind, path: a.path })
    const stored: Record<string, unknown> = { ...result }
    delete stored.artifacts
    if (prepared.datasetJobId) stored.datasetJobId = prepared.datasetJobId
    if (prepared.vocabSize !== null) stored.vocabSize = prepared.vocabSize
    if (job.kind === 'pretrain' || job.kind === 'distill') stored.seqLen = (job.spec as { seqLen?: number }).seqLen
    if (job.kind === 'evaluate' && result.report) stored.reportTable = renderReportTable(result.report as Record<string, unknown>)
    if (job.kind === 'sample' && Array.isArray(result.tokens) && prepared.vocab) {
      const vocab = prepared.vocab
      const samples = (result.tokens as number[][]).map((ids) => ({ text: decodeTokens(ids, vocab), tokens: ids }))
      delete stored.tokens
      stored.samples = samples
      const textPath = join(workDir, 'samples.txt')
      writeFileSync(textPath, samples.map((s) => s.text).join('\n\n----\n\n') + '\n')
      await store.artifacts.register(job.id, { name: 'samples.txt', kind: 'samples', path: textPath })
    }

    if (status.state === 'succeeded') {
      await store.jobs.transition(job.id, ['running', 'cancelling'], 'succeeded', { result: stored })
    } else if (status.state === 'cancelled') {
      await store.jobs.transition(job.id, ['running', 'cancelling'], 'cancelled', { result: stored })
    } else {
      const e = status.error ?? { type: 'Error', message: 'unknown Python failure' }
      await this.fail(job, { code: 'python_error', type: e.type, message: `${e.type}: ${e.message}`, frame: e.frame, traceback: e.traceback })
    }
  }
}

async function recoverMetrics(store: Store, jobId: string, file: string): Promise<void> {
  if (!existsSync(file)) return
  const points = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as { name: string; step: number; value: number }]
      } catch {
        return [] // a line cut short by the crash
      }
    })
  for (let i = 0; i < points.length; i += 1000) await store.metrics.record(jobId, points.slice(i, i + 1000))
}

/** Tells BullMQ a job did not succeed (so flow dependents fail); the store already holds the outcome. */
export class JobEndedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JobEndedError'
  }
}

function errorOf(err: unknown): JobError {
  const e = err as Error & { code?: string }
  const code = typeof e?.code === 'string' ? e.code : e?.name === 'InputError' ? 'input_error' : 'worker_error'
  return { code, type: e?.name ?? 'Error', message: e?.message ?? String(err) }
}
