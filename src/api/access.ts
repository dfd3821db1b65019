// Who may do what, route by route. Every /v1 route declares its rule in `config.access` (the
// access matrix test reads them: a route without one fails it); handlers enforce it with the
// helpers below. A resource in a project the caller cannot see answers 404, exactly as a
// resource that does not exist; one the caller can see but not change answers 403.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Store } from '../store/index.ts'
import { can, defaultProject, visibleProjects, type Principal } from '../auth/principal.ts'
import type { Submitter } from '../jobs/service.ts'
import { notFound, ServiceError } from '../errors.ts'
import type { Role } from '../store/tokens.ts'

/**
 * The rule of a route. `need`: the role it takes in the resource's project (`any`: any caller
 * with a live token; `superuser`: a superuser only). `in`: where the project comes from.
 */
export interface AccessRule {
  need: Role | 'any' | 'superuser'
  in: 'job' | 'sweep' | 'upload' | 'body' | 'path' | 'token' | 'none'
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessRule
  }
  interface FastifyRequest {
    principal: Principal
  }
}

/** Throws 404 when p cannot see `project`, 403 when it can but lacks `need` there. */
export function requireRole(p: Principal, project: string, need: Role, what: string): void {
  if (!can(p, project, 'viewer')) throw notFound(what)
  if (!can(p, project, need)) throw new ServiceError('forbidden', `${what}: your role in project ${project} does not allow this (needs ${need})`)
}

/** The resource if p may see it (and act with `need`), else the answer a stranger gets. */
export function allowed<T extends { project: string }>(p: Principal, resource: T | null, need: Role, what: string): T {
  if (!resource) throw notFound(what)
  requireRole(p, resource.project, need, what)
  return resource
}

export function requireSuperuser(p: Principal): void {
  if (!p.superuser) throw new ServiceError('forbidden', 'only a superuser may do this')
}

/** The projects a listing may show (undefined: all). */
export const listable = (request: FastifyRequest): string[] | undefined => visibleProjects(request.principal)

/** A stream-only token (browsers' EventSource) reads streams and nothing else. */
export function refuseStreamOnly(request: FastifyRequest): void {
  if (request.principal.streamOnly) throw new ServiceError('forbidden', 'a stream token only opens event streams')
}

/**
 * The submitter of a creation request: its project (the body's, else the caller's default)
 * where it needs the member role, and its Idempotency-Key if it sent one.
 */
export function submitterOf(request: FastifyRequest, project: string | undefined, route: string): Submitter {
  const p = request.principal
  const target = project ?? defaultProject(p)
  requireRole(p, target, 'member', `project ${target}`)
  const key = request.headers['idempotency-key']
  if (key !== undefined && (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)))
    throw new ServiceError('invalid_request', 'Idempotency-Key must be 1 to 200 printable ASCII characters', [{ path: '/headers/idempotency-key', message: 'must be 1 to 200 printable ASCII characters' }])
  return {
    subject: p.subject,
    project: target,
    canSee: (other) => can(p, other, 'viewer'),
    idempotency: typeof key === 'string' ? { scope: p.tokenId ?? p.subject, route, key, bodyHash: createHash('sha256').update(JSON.stringify(request.body ?? null)).digest('hex') } : undefined,
  }
}

/**
 * Enforces each /v1 route's rule before its handler: for a job, sweep or upload in the path, the
 * caller's role in that resource's project (404 for a stranger, as if it did not exist). Rules
 * that depend on the body (a submission's project) or filter a listing are the handler's.
 */
export function registerAccess(app: FastifyInstance, store: Store): void {
  app.addHook('preHandler', async (request) => {
    // An unknown route answers 404 from the not-found handler, which has no rule of its own;
    // outside /v1 only routes that declare a rule (GET /metrics) are checked.
    const rule = request.routeOptions.config?.access
    if (request.is404 || (!request.url.startsWith('/v1/') && !rule)) return
    // A route that forgot to say who may call it is closed (the access matrix test names it).
    if (!rule) throw new ServiceError('forbidden', `no access rule for ${request.method} ${request.routeOptions.url}`)
    const p = request.principal
    if (rule.need === 'superuser') return requireSuperuser(p)
    if (rule.need === 'any') return
    const id = (request.params as { id?: string }).id
    if (rule.in === 'job') allowed(p, id ? await store.jobs.get(id) : null, rule.need, `job ${id}`)
    else if (rule.in === 'sweep') allowed(p, id ? await store.sweeps.get(id) : null, rule.need, `sweep ${id}`)
    else if (rule.in === 'upload') allowed(p, id ? await store.uploads.get(id) : null, rule.need, `upload ${id}`)
  })
}
