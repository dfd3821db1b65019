// The series read at scrape time from the store (jobs, workers, running jobs' progress) and from
// Redis (the BullMQ queues). Nothing here is remembered between scrapes, so an api process
// reports the workers and jobs of every other process too, and two api processes report the
// same values. A source that does not answer in time is reported as down (fsdfm_metrics_source_up
// 0) and its series are left out rather than served stale.
import { Gauge, type Registry } from 'prom-client'
import { withTimeout } from '../../errors.ts'
import { WORKER_REMEMBERED_MS } from '../../jobs/validate.ts'
import type { QueueName, Queues, QueueStats } from '../../queue/index.ts'
import type { Store } from '../../store/index.ts'
import type { WorkerDevice } from '../../schemas/views.ts'
import type { RunningJob } from '../../store/stats.ts'
import type { WorkerRecord } from '../../store/workers.ts'
import { knownQueues } from '../queues/known.ts'
import { METRICS, RUN_SECONDS_BUCKETS, type MetricDef } from './metrics.ts'
import { StoreHistogram } from './store-histogram.ts'

/** Each source gets this long per scrape; Prometheus's default scrape timeout is 10 s. */
const SOURCE_TIMEOUT_MS = 4000

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** What one scrape read; null for a source that failed. */
interface Reading {
  store: Awaited<ReturnType<ScrapeCollector['readStore']>> | null
  queues: QueueStats[] | null
}

export class ScrapeCollector {
  private readonly gauges: Record<
    | 'jobs'
    | 'jobFailures'
    | 'workerHeartbeatAge'
    | 'workerLive'
    | 'workerGpuMemoryUsed'
    | 'workerGpuMemoryTotal'
    | 'workerGpuUtilization'
    | 'jobTokensPerSecond' | 'jobLoss' | 'queueWaiting' | 'queueRunning' | 'queueDelayed' | 'queueOldestWait' | 'queuePaused' | 'sourceUp',
    Gauge
  >
  readonly runSeconds = new StoreHistogram(METRICS.jobRunSeconds, RUN_SECONDS_BUCKETS)
  /** Queue names from the last store reading, for when the store does not answer but Redis does. */
  private lastQueues: QueueName[] = ['data', 'cpu']
  /** Scrapes that arrive together share one reading. */
  private inFlight: Promise<void> | null = null

  constructor(
    registry: Registry,
    private readonly store: Store,
    private readonly queues: Queues,
  ) {
    const gauge = (d: MetricDef) => new Gauge({ name: d.name, help: d.help, labelNames: [...d.labels], registers: [registry] })
    this.gauges = {
      jobs: gauge(METRICS.jobs),
      jobFailures: gauge(METRICS.jobFailures),
      workerHeartbeatAge: gauge(METRICS.workerHeartbeatAge),
      workerLive: gauge(METRICS.workerLive),
      workerGpuMemoryUsed: gauge(METRICS.workerGpuMemoryUsed),
      workerGpuMemoryTotal: gauge(METRICS.workerGpuMemoryTotal),
      workerGpuUtilization: gauge(METRICS.workerGpuUtilization),
      jobTokensPerSecond: gauge(METRICS.jobTokensPerSecond),
      jobLoss: gauge(METRICS.jobLoss),
      queueWaiting: gauge(METRICS.queueWaiting),
      queueRunning: gauge(METRICS.queueRunning),
      queueDelayed: gauge(METRICS.queueDelayed),
      queueOldestWait: gauge(METRICS.queueOldestWait),
      queuePaused: gauge(METRICS.queuePaused),
      sourceUp: gauge(METRICS.sourceUp),
    }
  }

  /** Reads the store and Redis and replaces every scrape-time series. */
  refresh(): Promise<void> {
    this.inFlight ??= this.read()
      .then((r) => this.publish(r))
      .finally(() => {
        this.inFlight = null
      })
    return this.inFlight
  }

  private async readStore() {
    const [jobs, failures, runTimes, workers, running, queues] = await Promise.all([
      this.store.stats.jobCounts(),
      this.store.stats.failureCounts(),
      this.store.stats.runTimes(RUN_SECONDS_BUCKETS),
      this.store.workers.list(WORKER_REMEMBERED_MS),
      this.store.stats.running(),
      knownQueues(this.store),
    ])
    return { jobs, failures, runTimes, workers, running, queues }
  }

  private async read(): Promise<Reading> {
    const bounded = <T>(what: string, p: Promise<T>) => withTimeout(p, SOURCE_TIMEOUT_MS, () => new Error(`${what} did not answer within ${SOURCE_TIMEOUT_MS} ms`))
    const store = await bounded('the store', this.readStore()).catch(() => null)
    if (store) this.lastQueues = store.queues
    const queues = await bounded('redis', Promise.all(this.lastQueues.map((q) => this.queues.stats(q)))).catch(() => null)
    return { store, queues }
  }

  /** Replaces the series in one synchronous step, so a scrape never renders half of a reading. */
  private publish({ store, queues }: Reading): void {
    for (const g of Object.values(this.gauges)) g.reset()
    this.runSeconds.reset()
    const g = this.gauges
    g.sourceUp.set({ source: 'store' }, store ? 1 : 0)
    g.sourceUp.set({ source: 'redis' }, queues ? 1 : 0)
    if (store) {
      for (const j of store.jobs) g.jobs.set({ kind: j.kind, state: j.state }, j.count)
      for (const f of store.failures) g.jobFailures.set({ kind: f.kind, code: f.code }, f.count)
      this.runSeconds.set(store.runTimes.map((r) => ({ labels: { kind: r.kind, state: r.state }, counts: r.counts, count: r.count, sum: r.sumSeconds })))
      const now = Date.now()
      for (const w of store.workers) {
        const labels = { worker: w.name, host: w.host }
        g.workerHeartbeatAge.set(labels, Math.max(0, (now - Date.parse(w.heartbeatAt)) / 1000))
        g.workerLive.set(labels, w.live ? 1 : 0)
        // A silent worker's last sample is not what its GPUs do now: only live workers' are served.
        if (w.live) this.publishGpus(w)
      }
      for (const job of store.running) this.publishProgress(job)
    }
    for (const q of queues ?? []) {
      const labels = { queue: q.name }
      g.queueWaiting.set(labels, q.waiting)
      g.queueRunning.set(labels, q.running)
      g.queueDelayed.set(labels, q.delayed)
      g.queueOldestWait.set(labels, q.oldestWaitSeconds ?? 0)
      g.queuePaused.set(labels, q.paused ? 1 : 0)
    }
  }

  /** Memory and utilisation of each GPU, as the worker's latest heartbeat sampled them (null: not known, left out). */
  private publishGpus(w: WorkerRecord): void {
    const devices = Array.isArray(w.status?.devices) ? (w.status.devices as Partial<WorkerDevice>[]) : []
    for (const d of devices) {
      if (d.kind !== 'cuda') continue
      const labels = { worker: w.name, host: w.host, gpu: String(d.index ?? '') }
      if (finite(d.memoryUsedBytes)) this.gauges.workerGpuMemoryUsed.set(labels, d.memoryUsedBytes)
      if (finite(d.memoryTotalBytes)) this.gauges.workerGpuMemoryTotal.set(labels, d.memoryTotalBytes)
      if (finite(d.utilizationPercent)) this.gauges.workerGpuUtilization.set(labels, d.utilizationPercent)
    }
  }

  /** Loss and throughput as the worker last wrote them to the job's progress (training jobs report both). */
  private publishProgress(job: RunningJob): void {
    const labels = { job_id: job.id, kind: job.kind, project: job.project }
    const { loss, tokensPerSecond } = job.progress ?? {}
    if (finite(tokensPerSecond)) this.gauges.jobTokensPerSecond.set(labels, tokensPerSecond)
    if (finite(loss)) this.gauges.jobLoss.set(labels, loss)
  }
}
