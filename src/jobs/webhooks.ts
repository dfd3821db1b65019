// The webhook deliverer: a loop in every api process that claims due deliveries from the store
// (several processes share the work; the claim's row locks keep them off each other's rows),
// POSTs each as signed JSON and records the attempt. A failure is retried with exponential
// backoff until FSDFM_WEBHOOK_MAX_ATTEMPTS; a receiver sees every attempt of one delivery with
// the same Fsdfm-Delivery id, so it can drop repeats (delivery is at least once).
import { isStoreUnavailable } from '../store/db.ts'
import type { Store } from '../store/index.ts'
import { toJob, type JobRow } from '../store/jobs.ts'
import type { AttemptOutcome, ClaimedDelivery } from '../store/webhooks.ts'
import { JobView } from '../schemas/views.ts'
import { PassLoop } from '../util/loop.ts'
import { signWebhook, WEBHOOK_DELIVERY_HEADER, WEBHOOK_EVENT_HEADER, WEBHOOK_SIGNATURE_HEADER } from '../client/webhooks.ts'
import { silentLogger, type Logger } from '../util/log.ts'

/** Longest wait between two attempts, whatever the backoff base. */
const MAX_BACKOFF_MS = 3_600_000
/** Deliveries one pass takes (and sends at once). */
const BATCH = 20

export interface WebhookDelivererOptions {
  /** Wait before the first retry; each later one waits twice as long. */
  backoffMs: number
  maxAttempts: number
  /** One attempt's limit for the receiver's answer. */
  timeoutMs: number
  /** Removes server paths from a body (src/util/redact.ts). */
  redact: (text: string) => string
  /** Pause between passes. Default: the backoff base, at most 1,000 ms. */
  intervalMs?: number
  log?: Logger
}

/** The wait after failed attempt `attempt` (1-based): base, 2 × base, 4 × base, … */
export const backoffMs = (attempt: number, base: number): number => Math.min(base * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS)

const JOB_VIEW_FIELDS = Object.keys(JobView.properties)

/**
 * The JSON a receiver gets: the event (its type, time and data) and the job as the api shows it
 * (GET /v1/jobs/{id}) at the moment of the event. The same bytes on every attempt.
 */
export function webhookBody(d: ClaimedDelivery, redact: (text: string) => string): string {
  const job = toJob(d.payload.job as unknown as JobRow) as unknown as Record<string, unknown>
  const view = Object.fromEntries(JOB_VIEW_FIELDS.filter((k) => k in job).map((k) => [k, job[k]]))
  const e = d.payload.event
  return redact(JSON.stringify({ id: d.id, type: d.event, createdAt: e.createdAt, project: e.project, eventId: e.id, data: e.data, job: view }))
}

const describe = (err: unknown, timeoutMs: number): string => {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err)
}

export class WebhookDeliverer {
  private readonly loop: PassLoop
  private readonly log: Logger
  private outage = false
  /** Aborts the requests in flight when the process stops (their claims run out; another process sends them). */
  private readonly stopping = new AbortController()

  constructor(
    private readonly store: Store,
    private readonly opts: WebhookDelivererOptions,
  ) {
    this.log = (opts.log ?? silentLogger()).child({ component: 'webhooks' })
    this.loop = new PassLoop(() => this.pass(), opts.intervalMs ?? Math.min(opts.backoffMs, 1000))
  }

  start(): void {
    this.loop.start()
  }

  stop(): Promise<void> {
    this.stopping.abort()
    return this.loop.stop()
  }

  /** Sends what is due, batch after batch; an outage of the store waits for the next pass. */
  private async pass(): Promise<void> {
    try {
      for (;;) {
        const n = await this.deliverDue()
        this.outage = false
        if (n < BATCH) return
      }
    } catch (err) {
      if (!isStoreUnavailable(err)) this.log.error(`pass failed: ${(err as Error).message}`)
      else if (!this.outage) this.log.warn('the store is unavailable; deliveries wait for it')
      this.outage = isStoreUnavailable(err)
    }
  }

  /** One batch: claims due deliveries, sends them at once, records each attempt. Returns how many. */
  async deliverDue(): Promise<number> {
    // The claim holds a delivery a little longer than an attempt can take.
    const claimed = await this.store.webhooks.claimDue(BATCH, this.opts.timeoutMs + 5000)
    await Promise.all(
      claimed.map(async (d) => {
        const outcome = await this.attempt(d)
        // Cut short by a stop, not by the receiver: no verdict; the claim runs out and a live process sends it again.
        if (!this.stopping.signal.aborted) await this.store.webhooks.record(d.id, d.attempt, outcome)
      }),
    )
    return claimed.length
  }

  private async attempt(d: ClaimedDelivery): Promise<AttemptOutcome> {
    const body = webhookBody(d, this.opts.redact)
    const startedAt = new Date()
    let status: number | null = null
    let error: string | null = null
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'fsdfm-webhooks',
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(d.secret, body),
          [WEBHOOK_DELIVERY_HEADER]: d.id,
          [WEBHOOK_EVENT_HEADER]: d.event,
        },
        body,
        // A redirect is an answer, not a place to send the body again.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.opts.timeoutMs), this.stopping.signal]),
      })
      status = res.status
      await res.body?.cancel().catch(() => {})
      if (status < 200 || status > 299) error = `the receiver answered ${status}`
    } catch (err) {
      error = describe(err, this.opts.timeoutMs)
    }
    const durationMs = Date.now() - startedAt.getTime()
    const next: AttemptOutcome['next'] =
      error === null ? { state: 'delivered' } : d.round >= this.opts.maxAttempts ? { state: 'failed' } : { state: 'retry', retryAt: new Date(Date.now() + backoffMs(d.round, this.opts.backoffMs)) }
    return { startedAt, durationMs, status, error, next }
  }
}
