// Webhooks and their deliveries. A delivery row is written by the transaction that appends the
// job's state event (events.ts), so an event that committed always has its deliveries; the
// deliverer (src/jobs/webhooks.ts) claims due rows, posts them and records every attempt.
import { randomBytes, randomUUID } from 'node:crypto'
import type { Db } from './db.ts'
import { iso, isoOrNull, isUuid } from './sql.ts'
import type { DeliveryState, WebhookAttempt, WebhookDeliveryView, WebhookEvent, WebhookView } from '../schemas/webhooks.ts'
import type { JsonObject } from './types.ts'

export type Webhook = WebhookView
export type WebhookDelivery = WebhookDeliveryView

interface WebhookRow {
  id: string
  project: string
  url: string
  events: WebhookEvent[]
  secret: string
  active: boolean
  description: string | null
  created_by: string | null
  created_at: Date
  updated_at: Date
}

interface DeliveryRow {
  id: string
  webhook_id: string
  event_id: number
  event: WebhookEvent
  job_id: string | null
  payload: JsonObject
  state: DeliveryState
  attempts: number
  attempt_base: number
  next_attempt_at: Date
  created_at: Date
  delivered_at: Date | null
}

interface AttemptRow {
  delivery_id: string
  attempt: number
  started_at: Date
  duration_ms: number
  status: number | null
  error: string | null
}

const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  project: r.project,
  url: r.url,
  events: r.events,
  active: r.active,
  description: r.description,
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
})

const toAttempt = (r: AttemptRow): WebhookAttempt => ({ attempt: r.attempt, at: iso(r.started_at), durationMs: r.duration_ms, status: r.status, error: r.error })

const toDelivery = (r: DeliveryRow, log: WebhookAttempt[]): WebhookDelivery => ({
  id: r.id,
  webhookId: r.webhook_id,
  event: r.event,
  eventId: r.event_id,
  jobId: r.job_id,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.state === 'pending' ? iso(r.next_attempt_at) : null,
  createdAt: iso(r.created_at),
  deliveredAt: isoOrNull(r.delivered_at),
  log,
})

/** A delivery the deliverer holds for one attempt: what to send, where, and with which secret. */
export interface ClaimedDelivery {
  id: string
  event: WebhookEvent
  /** The attempt this claim makes (1 for the first). */
  attempt: number
  /** Its place since the delivery was last (re)started: what backoff and the retry limit count. */
  round: number
  /** `{event, job}` as they were when the event was written; `job` is the job row as JSON. */
  payload: { event: { id: number; jobId: string; project: string; type: string; data: JsonObject; createdAt: string }; job: JsonObject }
  url: string
  secret: string
}

/** What one attempt came to, and what happens next. */
export interface AttemptOutcome {
  startedAt: Date
  durationMs: number
  status: number | null
  error: string | null
  /** delivered: a 2xx came; retry: try again at `retryAt`; failed: out of attempts. */
  next: { state: 'delivered' } | { state: 'failed' } | { state: 'retry'; retryAt: Date }
}

export const newWebhookSecret = (): string => 'whsec_' + randomBytes(32).toString('base64url')

/**
 * Inside the transaction that appends a job's state event: one pending delivery for each active
 * webhook of the job's project subscribed to `event`, carrying the event and the job as they are
 * in this transaction. Without such webhooks it writes nothing.
 */
export async function addDeliveries(t: Db, event: WebhookEvent, payloadEvent: JsonObject & { id: number; jobId: string }): Promise<void> {
  await t.query(
    `insert into webhook_deliveries (id, webhook_id, event_id, event, job_id, payload)
     select gen_random_uuid(), w.id, $1, $2, j.id, jsonb_build_object('event', $3::jsonb, 'job', to_jsonb(j))
     from jobs j join webhooks w on w.project = j.project and w.active and $2 = any(w.events)
     where j.id = $4`,
    [payloadEvent.id, event, JSON.stringify(payloadEvent), payloadEvent.jobId],
  )
}

export interface WebhookInsert {
  project: string
  url: string
  events: readonly WebhookEvent[]
  description?: string | null
  active?: boolean
  createdBy?: string | null
}

export class WebhooksRepo {
  constructor(private readonly db: Db) {}

  /** Stores a webhook with a new secret; returns both (the only time the secret is handed out). */
  async create(w: WebhookInsert): Promise<{ webhook: Webhook; secret: string }> {
    const secret = newWebhookSecret()
    const { rows } = await this.db.query<WebhookRow>(
      `insert into webhooks (id, project, url, events, secret, active, description, created_by)
       values ($1, $2, $3, $4::text[], $5, $6, $7, $8) returning *`,
      [randomUUID(), w.project, w.url, [...new Set(w.events)], secret, w.active ?? true, w.description ?? null, w.createdBy ?? null],
    )
    return { webhook: toWebhook(rows[0]), secret }
  }

  async list(project: string): Promise<Webhook[]> {
    const { rows } = await this.db.query<WebhookRow>('select * from webhooks where project = $1 order by created_at, id', [project])
    return rows.map(toWebhook)
  }

  /** The webhook with this id in `project` (null when it is in another one). */
  async get(project: string, id: string): Promise<Webhook | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<WebhookRow>('select * from webhooks where id = $1 and project = $2', [id, project])
    return rows.length ? toWebhook(rows[0]) : null
  }

  /** Changes the fields given (undefined leaves one as it is). */
  async update(project: string, id: string, patch: { url?: string; events?: readonly WebhookEvent[]; active?: boolean; description?: string | null }): Promise<Webhook | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<WebhookRow>(
      `update webhooks set url = coalesce($3, url), events = coalesce($4::text[], events), active = coalesce($5, active),
         description = case when $6 then $7 else description end, updated_at = now()
       where id = $1 and project = $2 returning *`,
      [id, project, patch.url ?? null, patch.events ? [...new Set(patch.events)] : null, patch.active ?? null, patch.description !== undefined, patch.description ?? null],
    )
    return rows.length ? toWebhook(rows[0]) : null
  }

  /** Removes the webhook and its delivery log. */
  async remove(project: string, id: string): Promise<Webhook | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<WebhookRow>('delete from webhooks where id = $1 and project = $2 returning *', [id, project])
    return rows.length ? toWebhook(rows[0]) : null
  }

  /** A webhook's deliveries, newest first, each with its attempts. */
  async deliveries(webhookId: string, opts: { limit?: number; state?: DeliveryState } = {}): Promise<WebhookDelivery[]> {
    if (!isUuid(webhookId)) return []
    const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 500)
    const { rows } = await this.db.query<DeliveryRow>(
      `select * from webhook_deliveries where webhook_id = $1 and ($2::text is null or state = $2) order by created_at desc, event_id desc limit $3`,
      [webhookId, opts.state ?? null, limit],
    )
    return this.withAttempts(rows)
  }

  async delivery(webhookId: string, id: string): Promise<WebhookDelivery | null> {
    if (!isUuid(webhookId) || !isUuid(id)) return null
    const { rows } = await this.db.query<DeliveryRow>('select * from webhook_deliveries where id = $1 and webhook_id = $2', [id, webhookId])
    return rows.length ? (await this.withAttempts(rows))[0] : null
  }

  /** Sends a delivery again now, whatever became of it (its log keeps the earlier attempts). */
  async redeliver(webhookId: string, id: string): Promise<WebhookDelivery | null> {
    if (!isUuid(webhookId) || !isUuid(id)) return null
    const { rows } = await this.db.query<DeliveryRow>(
      `update webhook_deliveries set state = 'pending', next_attempt_at = now(), delivered_at = null, attempt_base = attempts
       where id = $1 and webhook_id = $2 returning *`,
      [id, webhookId],
    )
    return rows.length ? (await this.withAttempts(rows))[0] : null
  }

  private async withAttempts(rows: DeliveryRow[]): Promise<WebhookDelivery[]> {
    if (!rows.length) return []
    const { rows: attempts } = await this.db.query<AttemptRow>('select * from webhook_attempts where delivery_id = any($1::uuid[]) order by attempt', [rows.map((r) => r.id)])
    const by = new Map<string, WebhookAttempt[]>()
    for (const a of attempts) by.set(a.delivery_id, [...(by.get(a.delivery_id) ?? []), toAttempt(a)])
    return rows.map((r) => toDelivery(r, by.get(r.id) ?? []))
  }

  /**
   * Takes up to `limit` due deliveries of active webhooks for one attempt each. The row locks
   * (`for update skip locked`) keep several api processes from taking the same row; the claim
   * itself moves the row's next attempt `leaseMs` ahead, so a process that dies mid-request
   * leaves the delivery to be taken again after that, and none is lost.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const { rows } = await this.db.query<DeliveryRow & { url: string; secret: string }>(
      `with due as (
         select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id and w.active
         where d.state = 'pending' and d.next_attempt_at <= now()
         order by d.next_attempt_at limit $1 for update of d skip locked
       )
       update webhook_deliveries d set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::float8 / 1000)
       from due, webhooks w where d.id = due.id and w.id = d.webhook_id
       returning d.*, w.url, w.secret`,
      [limit, leaseMs],
    )
    return rows.map((r) => ({ id: r.id, event: r.event, attempt: r.attempts, round: r.attempts - r.attempt_base, payload: r.payload as ClaimedDelivery['payload'], url: r.url, secret: r.secret }))
  }

  /**
   * Records an attempt and what comes next. The delivery moves on only while this attempt is its
   * latest (a claim whose lease ran out and was taken again leaves the newer claim in charge).
   */
  async record(id: string, attempt: number, o: AttemptOutcome): Promise<void> {
    await this.db.tx(async (t) => {
      await t.query(
        `insert into webhook_attempts (delivery_id, attempt, started_at, duration_ms, status, error) values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
        [id, attempt, o.startedAt.toISOString(), Math.max(0, Math.round(o.durationMs)), o.status, o.error],
      )
      const n = o.next
      await t.query(
        `update webhook_deliveries set state = $3,
           delivered_at = case when $3 = 'delivered' then now() else delivered_at end,
           next_attempt_at = coalesce($4::timestamptz, next_attempt_at)
         where id = $1 and attempts = $2 and state = 'pending'`,
        [id, attempt, n.state === 'retry' ? 'pending' : n.state, n.state === 'retry' ? n.retryAt.toISOString() : null],
      )
    })
  }
}
