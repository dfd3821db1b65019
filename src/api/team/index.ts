// Identities and projects: who am I, tokens (created, listed, revoked by admins), projects and
// their quotas (superusers), and short-lived stream tokens for browsers' event streams.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { adminSomewhere, can, mayGrant, visibleProjects } from '../../auth/principal.ts'
import { notFound, ServiceError } from '../../errors.ts'
import { ProjectName, StringEnum } from '../../schemas/jobs.ts'
import { ROLES, type TokenRecord } from '../../store/tokens.ts'
import { requireSuperuser } from '../access.ts'
import { errors, JSON_BODY_ERRORS } from '../openapi.ts'

const Role = StringEnum(ROLES, { description: 'viewer: read; member: also submit and cancel; admin: also tokens and quotas' })
const Grant = Type.Object({ project: ProjectName, role: Role }, { additionalProperties: false })

const TokenView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the token, to recognise it' }),
    subject: Type.String({ description: 'Who acts with it (recorded on what they do)' }),
    superuser: Type.Boolean(),
    grants: Type.Array(Grant),
    createdBy: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'Token' },
)
const ProjectView = Type.Object(
  {
    name: Type.String(),
    maxQueued: Type.Union([Type.Integer(), Type.Null()], { description: 'Most queued jobs at once (null: no limit)' }),
    maxRunningGpu: Type.Union([Type.Integer(), Type.Null()], { description: 'Most GPU jobs running at once (null: no limit)' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Project' },
)

const view = (t: TokenRecord) => {
  const { streamOnly: _s, ...rest } = t
  return rest
}
const STREAM_TOKEN_SECONDS = 300

const teamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.deps

  app.get(
    '/me',
    {
      config: { access: { need: 'any', in: 'none' } },
      schema: {
        tags: ['team'],
        operationId: 'whoAmI',
        summary: 'The caller: subject and roles',
        response: { 200: Type.Object({ subject: Type.String(), superuser: Type.Boolean(), roles: Type.Record(Type.String(), Role) }), ...errors(401) },
      },
    },
    async (request) => ({ subject: request.principal.subject, superuser: request.principal.superuser, roles: Object.fromEntries(request.principal.roles) }),
  )

  app.post(
    '/tokens',
    {
      config: { access: { need: 'admin', in: 'body' } },
      schema: {
        tags: ['team'],
        operationId: 'createToken',
        summary: 'Create a token',
        description: 'The token itself is in this answer only; the service keeps its hash. A project admin grants roles in the projects it administers; only a superuser creates superuser tokens.',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            subject: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Who acts with it. Default: the name' })),
            grants: Type.Array(Grant, { default: [], maxItems: 100 }),
            superuser: Type.Boolean({ default: false }),
            expiresInDays: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3650 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String({ description: 'Shown once' }), record: TokenView }), ...errors(401, 403, ...JSON_BODY_ERRORS) },
      },
    },
    async (request, reply) => {
      const { body, principal } = request
      // A project the caller cannot see is one that does not exist, as everywhere.
      for (const g of body.grants) if (!can(principal, g.project, 'viewer')) throw notFound(`project ${g.project}`)
      const refused = mayGrant(principal, body.grants, body.superuser)
      if (refused) throw new ServiceError('forbidden', refused)
      for (const g of body.grants) if (!(await store.projects.get(g.project))) throw new ServiceError('invalid_request', `no project ${g.project}`, [{ path: '/grants', message: `no project ${g.project}` }])
      const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000).toISOString() : null
      const { token, record } = await store.tokens.create({ name: body.name, subject: body.subject ?? body.name, grants: body.grants, superuser: body.superuser, createdBy: principal.subject, expiresAt })
      return reply.code(201).send({ token, record: view(record) })
    },
  )

  app.get(
    '/tokens',
    {
      config: { access: { need: 'admin', in: 'none' } },
      schema: {
        tags: ['team'],
        operationId: 'listTokens',
        summary: 'List tokens',
        description: 'A superuser sees every token; a project admin the tokens whose every grant is in a project it administers.',
        response: { 200: Type.Object({ items: Type.Array(TokenView) }), ...errors(401, 403) },
      },
    },
    async (request) => {
      const p = request.principal
      if (!adminSomewhere(p)) throw new ServiceError('forbidden', 'listing tokens needs the admin role in some project')
      const items = (await store.tokens.list()).filter((t) => p.superuser || (!t.superuser && t.grants.length > 0 && t.grants.every((g) => can(p, g.project, 'admin'))))
      return { items: items.map(view) }
    },
  )

  app.delete(
    '/tokens/:id',
    {
      config: { access: { need: 'admin', in: 'token' } },
      schema: {
        tags: ['team'],
        operationId: 'revokeToken',
        summary: 'Revoke a token',
        description: 'It stops working within a few seconds (api processes cache lookups briefly).',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: TokenView, ...errors(401, 404) },
      },
    },
    async (request) => {
      const p = request.principal
      const token = await store.tokens.get(request.params.id)
      const mine = token && (p.superuser || (!token.superuser && token.grants.length > 0 && token.grants.every((g) => can(p, g.project, 'admin'))))
      if (!token || !mine) throw notFound(`token ${request.params.id}`)
      return view((await store.tokens.revoke(token.id))!)
    },
  )

  app.get(
    '/projects',
    {
      config: { access: { need: 'viewer', in: 'none' } },
      schema: { tags: ['team'], operationId: 'listProjects', summary: 'The projects the caller can see', response: { 200: Type.Object({ items: Type.Array(ProjectView) }), ...errors(401) } },
    },
    async (request) => ({ items: await store.projects.list(visibleProjects(request.principal)) }),
  )

  app.put(
    '/projects/:name',
    {
      config: { access: { need: 'admin', in: 'path' } },
      schema: {
        tags: ['team'],
        operationId: 'putProject',
        summary: 'Create a project or set its quotas',
        description: 'A superuser creates projects; a project admin may set the quotas of its project.',
        params: Type.Object({ name: ProjectName }),
        body: Type.Object(
          {
            maxQueued: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()], { description: 'null lifts the quota' })),
            maxRunningGpu: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100_000 }), Type.Null()], { description: 'null lifts the quota' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ProjectView, ...errors(401, 403, 404, ...JSON_BODY_ERRORS) },
      },
    },
    async (request) => {
      const p = request.principal
      const name = request.params.name
      // Whether a project the caller cannot see exists is not the caller's to learn: 404 either way.
      if (!can(p, name, 'viewer')) throw notFound(`project ${name}`)
      if (!can(p, name, 'admin')) throw new ServiceError('forbidden', `setting the quotas of project ${name} needs its admin role`)
      if (!(await store.projects.get(name))) requireSuperuser(p) // creating one: superusers only
      return store.projects.put(name, request.body)
    },
  )

  app.post(
    '/stream-tokens',
    {
      config: { access: { need: 'viewer', in: 'none' } },
      schema: {
        tags: ['team'],
        operationId: 'createStreamToken',
        summary: 'A short-lived token for a browser’s event stream',
        description: `EventSource cannot send headers: pass this token as \`?access_token=\` to /v1/events, /v1/jobs/{id}/events or /v1/jobs/{id}/logs. It reads what the caller may read, works on those routes only, and expires after ${STREAM_TOKEN_SECONDS} s; a long-lived token never goes into a URL (where logs would keep it).`,
        response: { 201: Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }), ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      const p = request.principal
      if (p.streamOnly) throw new ServiceError('forbidden', 'a stream token cannot make another')
      const expiresAt = new Date(Date.now() + STREAM_TOKEN_SECONDS * 1000).toISOString()
      const grants = [...p.roles].map(([project, role]) => ({ project, role }))
      const { token } = await store.tokens.create({ name: `stream:${p.subject}`, subject: p.subject, grants, superuser: p.superuser, streamOnly: true, createdBy: p.subject, expiresAt })
      return reply.code(201).send({ token, expiresAt })
    },
  )
}

export default teamRoutes
