// /v1/projects/{name}/webhooks: a project's webhooks (its admins' and superusers'), their
// delivery logs, and redelivery. Deliveries are written with the events (src/store/webhooks.ts)
// and sent by the deliverer (src/jobs/webhooks.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Principal } from '../../auth/principal.ts'
import { invalidField, notFound } from '../../errors.ts'
import { ProjectName, StringEnum } from '../../schemas/jobs.ts'
import { DELIVERY_STATES, WEBHOOK_EVENTS, WebhookDeliveryView, WebhookEventSchema, WebhookView } from '../../schemas/webhooks.ts'
import { requireRole } from '../access.ts'
import { errors, JSON_BODY_ERRORS } from '../openapi.ts'

const ProjectParams = Type.Object({ name: ProjectName })
const WebhookParams = Type.Object({ name: ProjectName, id: Type.String({ format: 'uuid' }) })
const DeliveryParams = Type.Object({ name: ProjectName, id: Type.String({ format: 'uuid' }), deliveryId: Type.String({ format: 'uuid' }) })

const Url = Type.String({ minLength: 1, maxLength: 2000, description: 'An http:// or https:// URL the api can reach' })
const Events = Type.Array(WebhookEventSchema, { minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true })
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()])

/** The URL if it is one a delivery can go to: absolute, http or https, with a host. */
function checkUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw invalidField('/url', 'must be an absolute http:// or https:// URL')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidField('/url', `must be http:// or https://, not ${parsed.protocol}//`)
  if (!parsed.hostname) throw invalidField('/url', 'must name a host')
  return parsed.toString()
}

const webhooksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.deps

  /** The project, when the caller administers it and it exists (404 / 403 otherwise). */
  const adminOf = async (request: { principal: Principal; params: { name: string } }): Promise<string> => {
    const name = request.params.name
    requireRole(request.principal, name, 'admin', `project ${name}`)
    if (!(await store.projects.get(name))) throw notFound(`project ${name}`)
    return name
  }
  const webhookOf = async (request: { principal: Principal; params: { name: string; id: string } }) => {
    const project = await adminOf(request)
    const hook = await store.webhooks.get(project, request.params.id)
    if (!hook) throw notFound(`webhook ${request.params.id}`)
    return hook
  }

  app.post(
    '/projects/:name/webhooks',
    {
      config: { access: { need: 'admin', in: 'path' } },
      schema: {
        tags: ['webhooks'],
        operationId: 'createWebhook',
        summary: 'Add a webhook to a project',
        description:
          'Job events of the project are POSTed to `url` as JSON, signed with the secret in this answer (shown this once): `Fsdfm-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, with `Fsdfm-Delivery` (the same on every retry) and `Fsdfm-Event`. A project admin’s or a superuser’s.',
        params: ProjectParams,
        body: Type.Object(
          {
            url: Url,
            events: Type.Optional({ ...Events, description: 'What to deliver. Default: every event' }),
            description: Type.Optional(Description),
            active: Type.Boolean({ default: true }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ secret: Type.String({ description: 'Signs every delivery; shown once' }), webhook: WebhookView }),
          ...errors(...JSON_BODY_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const project = await adminOf(request)
      const { body } = request
      const url = checkUrl(body.url)
      const made = await store.webhooks.create({ project, url, events: body.events ?? WEBHOOK_EVENTS, description: body.description ?? null, active: body.active, createdBy: request.principal.subject })
      return reply.code(201).header('location', `/v1/projects/${project}/webhooks/${made.webhook.id}`).send(made)
    },
  )

  app.get(
    '/projects/:name/webhooks',
    {
      config: { access: { need: 'admin', in: 'path' } },
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhooks',
        summary: 'A project’s webhooks',
        description: 'Never their secrets. A project admin’s or a superuser’s: URLs may carry credentials of the receiver.',
        params: ProjectParams,
        response: { 200: Type.Object({ items: Type.Array(WebhookView) }), ...errors() },
      },
    },
    async (request) => ({ items: await store.webhooks.list(await adminOf(request)) }),
  )

  app.patch(
    '/projects/:name/webhooks/:id',
    {
      config: { access: { need: 'admin', in: 'path' } },
      schema: {
        tags: ['webhooks'],
        operationId: 'updateWebhook',
        summary: 'Change a webhook: its URL, events, description, or pause it (active: false)',
        description: 'An inactive webhook gets no deliveries for new events; its pending ones wait until it is active again.',
        params: WebhookParams,
        body: Type.Object({ url: Type.Optional(Url), events: Type.Optional(Events), description: Type.Optional(Description), active: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: WebhookView, ...errors(...JSON_BODY_ERRORS) },
      },
    },
    async (request) => {
      const hook = await webhookOf(request)
      const { body } = request
      const url = body.url === undefined ? undefined : checkUrl(body.url)
      const updated = await store.webhooks.update(hook.project, hook.id, { ...body, url })
      if (!updated) throw notFound(`webhook ${hook.id}`)
      return updated
    },
  )

  app.delete(
    '/projects/:name/webhooks/:id',
    {
      config: { access: { need: 'admin', in: 'path' } },
      schema: {
        tags: ['webhooks'],
        operationId: 'deleteWebhook',
        summary: 'Remove a webhook and its delivery log',
        params: WebhookParams,
        response: { 200: WebhookView, ...errors() },
      },
    },
    async (request) => {
      const hook = await webhookOf(request)
      const removed = await store.webhooks.remove(hook.project, hook.id)
      if (!removed) throw notFound(`webhook ${hook.id}`)
      return removed
    },
  )

  app.get(
    '/projects/:name/webhooks/:id/deliveries',
    {
      config: { access: { need: 'admin', in: 'path' } },
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhookDeliveries',
        summary: 'A webhook’s deliveries, newest first, each with every attempt',
        params: WebhookParams,
        querystring: Type.Object({
          state: Type.Optional(StringEnum(DELIVERY_STATES)),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(WebhookDeliveryView) }), ...errors() },
      },
    },
    async (request) => {
      const hook = await webhookOf(request)
      return { items: await store.webhooks.deliveries(hook.id, request.query) }
    },
  )

  app.post(
    '/projects/:name/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      config: { access: { need: 'admin', in: 'path' } },
      schema: {
        tags: ['webhooks'],
        operationId: 'redeliverWebhookDelivery',
        summary: 'Send a delivery again',
        description: 'Pending again and due now, with the same id and body; its log keeps the earlier attempts, and it gets FSDFM_WEBHOOK_MAX_ATTEMPTS more.',
        params: DeliveryParams,
        response: { 202: WebhookDeliveryView, ...errors() },
      },
    },
    async (request, reply) => {
      const hook = await webhookOf(request)
      const delivery = await store.webhooks.redeliver(hook.id, request.params.deliveryId)
      if (!delivery) throw notFound(`delivery ${request.params.deliveryId}`)
      return reply.code(202).send(delivery)
    },
  )
}

export default webhooksRoutes
