// Identities on the api: every /v1 request (and /metrics) carries `Authorization: Bearer <token>` (browsers'
// event streams may pass a short-lived stream token as ?access_token=, since EventSource sends
// no headers). With FSDFM_AUTH=off (a laptop on a loopback address) every caller is the local
// operator. Lookups are cached for a few seconds, so a revoked token stops working within that.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { LOCAL_OPERATOR, principalOf, type Principal } from '../auth/principal.ts'
import { ServiceError } from '../errors.ts'
import type { Store } from '../store/index.ts'
import { hashToken } from '../store/tokens.ts'

const CACHE_MS = 5_000
const TOUCH_EVERY_MS = 60_000

/** Routes a stream token opens: the event streams and a log that follows a job. */
const STREAM_ROUTE = /^\/v1\/(events|jobs\/[^/]+\/(events|logs))(\?|$)/

export function registerAuth(app: FastifyInstance, store: Store, enabled: boolean): void {
  // Set by the hook below on every request it covers; null until then.
  app.decorateRequest('principal', null, [])
  const cache = new Map<string, { principal: Principal | null; at: number }>()
  const touched = new Map<string, number>()

  const lookup = async (token: string): Promise<Principal | null> => {
    const hash = hashToken(token)
    const hit = cache.get(hash)
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.principal
    const record = await store.tokens.findLive(hash)
    const principal = record ? principalOf(record) : null
    cache.set(hash, { principal, at: Date.now() })
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!)
    if (record && Date.now() - (touched.get(record.id) ?? 0) > TOUCH_EVERY_MS) {
      touched.set(record.id, Date.now())
      void store.tokens.touch(record.id).catch(() => {})
    }
    return principal
  }

  app.addHook('onRequest', async (request: FastifyRequest) => {
    // Every /v1 route, and a route outside /v1 that declares an access rule (GET /metrics);
    // /health, /ready and /docs declare none and stay open.
    if (!request.url.startsWith('/v1/') && !request.routeOptions.config?.access) return
    if (!enabled) {
      request.principal = LOCAL_OPERATOR
      return
    }
    const header = request.headers.authorization
    let token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1]
    const viaQuery = !token && STREAM_ROUTE.test(request.url) ? new URL(request.url, 'http://x').searchParams.get('access_token') : null
    token ??= viaQuery ?? undefined
    const principal = token ? await lookup(token) : null
    if (!principal) {
      throw Object.assign(new ServiceError('unauthorized', header || viaQuery ? 'the token is unknown, revoked or expired' : 'this request needs `Authorization: Bearer <token>`'), {
        headers: { 'www-authenticate': 'Bearer' },
      })
    }
    // A stream token works only where EventSource needs it, and a long-lived token never in a URL.
    if (principal.streamOnly && !STREAM_ROUTE.test(request.url)) throw new ServiceError('forbidden', 'a stream token only opens event streams')
    if (viaQuery && !principal.streamOnly) throw new ServiceError('unauthorized', 'only a stream token (POST /v1/stream-tokens) may be passed as access_token; send other tokens in the Authorization header')
    request.principal = principal
  })
}
