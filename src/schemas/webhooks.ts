// Webhooks: the events a project's webhooks may subscribe to, and how the api shows webhooks
// and their deliveries. Shared by the store (which writes a delivery with each matching event),
// the deliverer, the routes (hence the OpenAPI document and the clients) and the tests.
import { Type, type Static } from 'typebox'
import { JOB_STATES, StringEnum, type JobState } from './jobs.ts'

/**
 * One event per job state a job can enter, plus its deletion. Pipeline stages are jobs, so a
 * pipeline's progress arrives as its stages' events; sweeps write no events of their own (their
 * trials are jobs too).
 */
export const WEBHOOK_EVENTS = [...JOB_STATES.map((s) => `job.${s}` as const), 'job.deleted'] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

/** The webhook event of a job's `state` event data (null for data that is no state change). */
export function webhookEventOf(data: { to?: unknown; deleted?: unknown }): WebhookEvent | null {
  if (data.deleted === true) return 'job.deleted'
  return JOB_STATES.includes(data.to as JobState) ? (`job.${data.to as JobState}` as const) : null
}

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const
export type DeliveryState = (typeof DELIVERY_STATES)[number]

const Timestamp = Type.String({ format: 'date-time' })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const WebhookEventSchema = StringEnum(WEBHOOK_EVENTS, { description: 'job.<state> when a job enters that state; job.deleted when it is deleted' })

export const WebhookView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    project: Type.String(),
    url: Type.String({ description: 'Where deliveries are POSTed' }),
    events: Type.Array(WebhookEventSchema),
    active: Type.Boolean({ description: 'An inactive webhook gets no new deliveries, and its pending ones wait' }),
    description: Nullable(Type.String()),
    createdBy: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Webhook' },
)
export type WebhookView = Static<typeof WebhookView>

export const WebhookAttempt = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  at: Timestamp,
  durationMs: Type.Integer({ minimum: 0 }),
  status: Nullable(Type.Integer({ description: 'The receiver’s HTTP status; null when none came' })),
  error: Nullable(Type.String({ description: 'Why the attempt failed: a non-2xx status, a timeout, a refused connection' })),
})
export type WebhookAttempt = Static<typeof WebhookAttempt>

export const WebhookDeliveryView = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'Sent as Fsdfm-Delivery on every attempt: receivers drop a delivery they have seen' }),
    webhookId: Type.String({ format: 'uuid' }),
    event: WebhookEventSchema,
    eventId: Type.Integer({ description: 'The event’s id in the job’s event stream' }),
    jobId: Nullable(Type.String({ format: 'uuid' })),
    state: StringEnum(DELIVERY_STATES, { description: 'pending: to be (re)tried at nextAttemptAt; delivered: a 2xx came; failed: out of attempts' }),
    attempts: Type.Integer({ minimum: 0 }),
    nextAttemptAt: Nullable(Timestamp),
    createdAt: Timestamp,
    deliveredAt: Nullable(Timestamp),
    log: Type.Array(WebhookAttempt, { description: 'Every attempt, oldest first' }),
  },
  { $id: 'WebhookDelivery' },
)
export type WebhookDeliveryView = Static<typeof WebhookDeliveryView>
