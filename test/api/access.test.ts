// Who may do what, route by route: every /v1 route of the running api (its route table, not a
// list kept here) is called with a token of each role in two projects, and the answer must be
// what the route's declared rule says. A route without a rule, or without a request below to
// drive it, fails this test.
import { createHash, randomUUID } from 'node:crypto'
import t from 'tap'
import { adminSomewhere, can, principalOf, type Principal } from '../../src/auth/principal.ts'
import type { AccessRule } from '../../src/api/access.ts'
import type { RouteEntry } from '../../src/api/app.ts'
import type { Role } from '../../src/store/tokens.ts'
import { openTransfer } from '../../src/jobs/transfers.ts'
import { startTestService, tinySample } from '../helpers.ts'

const ADMIN = 'fsdfm_access_test_superuser_token'
const svc = await startTestService(t, { role: 'api', env: { FSDFM_AUTH: 'on', FSDFM_ADMIN_TOKEN: ADMIN, FSDFM_RATE_LIMIT: '0' } })
const { store } = svc
const routes: RouteEntry[] = svc.app!.routeTable
const A = 'alpha'
const B = 'beta'

// The projects, made the way an operator would.
const root = svc.api.as(ADMIN)
for (const name of [A, B]) {
  const made = await root.request('PUT', `/v1/projects/${name}`, undefined, undefined, {})
  if (made.status !== 200) throw new Error(`project ${name}: ${JSON.stringify(made.body)}`)
}

interface Caller {
  name: string
  token?: string
  principal: Principal | null
}
async function caller(name: string, grants: { project: string; role: Role }[]): Promise<Caller> {
  const res = await root.request('POST', '/v1/tokens', undefined, undefined, { name, grants })
  if (res.status !== 201) throw new Error(`token ${name}: ${JSON.stringify(res.body)}`)
  return { name, token: res.body.token, principal: principalOf({ ...res.body.record, streamOnly: false }) }
}
const callers: Caller[] = [
  { name: 'anonymous', principal: null },
  await caller('viewer-alpha', [{ project: A, role: 'viewer' }]),
  await caller('member-alpha', [{ project: A, role: 'member' }]),
  await caller('admin-alpha', [{ project: A, role: 'admin' }]),
  await caller('admin-beta', [{ project: B, role: 'admin' }]),
  { name: 'superuser', token: ADMIN, principal: { subject: 'admin', superuser: true, roles: new Map(), tokenId: 'x' } },
]
// A browser's stream token, minted by the member of alpha: it opens event streams and nothing else.
const member = callers[2]
const minted = await svc.api.as(member.token).request('POST', '/v1/stream-tokens')
if (minted.status !== 201) throw new Error(`stream token: ${JSON.stringify(minted.body)}`)
callers.push({ name: 'stream-alpha', token: minted.body.token, principal: { ...member.principal!, streamOnly: true } })

// Fixtures in project alpha, fresh for the requests that change them.
const job = async () => (await store.jobs.create({ kind: 'sample', spec: tinySample().spec, project: A, createdBy: 'fixture' })).id
const jobWithArtifact = await job()
const sweepId = async () => (await store.sweeps.create({ spec: { base: tinySample(), space: { steps: { int: [1, 4] } } }, project: A, createdBy: 'fixture' })).id
const uploadId = randomUUID()
await store.uploads.create({ id: uploadId, size: 4, sha256: createHash('sha256').update('text').digest('hex'), project: A })
// An open transfer, as a remote worker leaves one between two requests.
const transfer = () => openTransfer(svc.config.artifactDir, { jobId: jobWithArtifact, fence: 1, name: 'x.bin', kind: 'test', path: 'x.bin', size: 4, sha256: createHash('sha256').update('text').digest('hex') })
// An inactive webhook (the api-only service delivers nothing then) with one delivery in its log.
const webhookInAlpha = async () => (await store.webhooks.create({ project: A, url: 'http://127.0.0.1:9/hook', events: ['job.queued'], active: false })).webhook.id
const { webhook: hookWithDelivery } = await store.webhooks.create({ project: A, url: 'http://127.0.0.1:9/hook', events: ['job.queued'] })
await job()
await store.webhooks.update(A, hookWithDelivery.id, { active: false })
const deliveryInAlpha = (await store.webhooks.deliveries(hookWithDelivery.id))[0].id
const tokenInAlpha = async () => (await store.tokens.create({ name: 'revocable', subject: 'x', grants: [{ project: A, role: 'viewer' }] })).record.id
{
  const { mkdtempSync, writeFileSync } = await import('node:fs')
  const { join } = await import('node:path')
  const dir = mkdtempSync(join(svc.iso.dataDir, 'a-'))
  writeFileSync(join(dir, 'samples.txt'), 'text')
  await store.artifacts.register(jobWithArtifact, { name: 'samples.txt', kind: 'samples', path: join(dir, 'samples.txt') })
}

interface Call {
  path: string
  body?: unknown
  raw?: { type: string; text: string }
}
/** A request for each route, in project alpha; a route missing here fails the test. */
const requests: Record<string, () => Promise<Call>> = {
  'POST /v1/jobs': async () => ({ path: '/v1/jobs', body: { ...tinySample(), project: A } }),
  'GET /v1/jobs': async () => ({ path: '/v1/jobs' }),
  'GET /v1/jobs/:id': async () => ({ path: `/v1/jobs/${jobWithArtifact}` }),
  'POST /v1/jobs/:id/cancel': async () => ({ path: `/v1/jobs/${await job()}/cancel` }),
  'POST /v1/jobs/:id/rerun': async () => ({ path: `/v1/jobs/${await job()}/rerun` }),
  // A queued job does not resume (409): past the access check, which is what counts here.
  'POST /v1/jobs/:id/resume': async () => ({ path: `/v1/jobs/${await job()}/resume` }),
  'DELETE /v1/jobs/:id': async () => ({ path: `/v1/jobs/${await job()}` }),
  'GET /v1/jobs/:id/metrics': async () => ({ path: `/v1/jobs/${jobWithArtifact}/metrics` }),
  'GET /v1/jobs/:id/report': async () => ({ path: `/v1/jobs/${jobWithArtifact}/report` }),
  'GET /v1/jobs/:id/trace': async () => ({ path: `/v1/jobs/${jobWithArtifact}/trace` }),
  'GET /v1/jobs/:id/artifacts': async () => ({ path: `/v1/jobs/${jobWithArtifact}/artifacts` }),
  'GET /v1/jobs/:id/artifacts/:name': async () => ({ path: `/v1/jobs/${jobWithArtifact}/artifacts/samples.txt` }),
  'GET /v1/jobs/:id/logs': async () => ({ path: `/v1/jobs/${jobWithArtifact}/logs` }),
  'GET /v1/jobs/:id/events': async () => ({ path: `/v1/jobs/${jobWithArtifact}/events` }),
  'GET /v1/events': async () => ({ path: '/v1/events' }),
  // The dataset does not exist: past the access check, the references answer 400.
  'POST /v1/pipelines': async () => ({ path: '/v1/pipelines', body: { project: A, datasetJobId: randomUUID(), pretrain: { steps: 2 }, distill: { steps: 2 } } }),
  'POST /v1/sweeps': async () => ({ path: '/v1/sweeps', body: { project: A, base: tinySample(), space: { steps: { int: [1, 4] } }, objective: { metric: 'sample/entropy' } } }),
  'GET /v1/sweeps': async () => ({ path: '/v1/sweeps' }),
  'GET /v1/sweeps/:id': async () => ({ path: `/v1/sweeps/${await sweepId()}` }),
  'GET /v1/sweeps/:id/trials.csv': async () => ({ path: `/v1/sweeps/${await sweepId()}/trials.csv` }),
  'POST /v1/sweeps/:id/cancel': async () => ({ path: `/v1/sweeps/${await sweepId()}/cancel` }),
  'POST /v1/uploads': async () => ({ path: `/v1/uploads?project=${A}`, raw: { type: 'text/plain', text: 'one document\n\nanother one\n' } }),
  'GET /v1/uploads/:id': async () => ({ path: `/v1/uploads/${uploadId}` }),
  'GET /v1/uploads/:id/content': async () => ({ path: `/v1/uploads/${uploadId}/content` }),
  // The job is queued, held by no attempt: past the access check, the transfer is refused (409).
  'POST /v1/transfers': async () => ({ path: '/v1/transfers', body: { jobId: jobWithArtifact, fence: 1, name: 'x.bin', kind: 'test', path: 'x.bin', size: 4, sha256: createHash('sha256').update('text').digest('hex') } }),
  'GET /v1/transfers/:id': async () => ({ path: `/v1/transfers/${(await transfer()).id}` }),
  'PATCH /v1/transfers/:id': async () => ({ path: `/v1/transfers/${(await transfer()).id}`, raw: { type: 'application/offset+octet-stream', text: 'text' } }),
  'GET /v1/solvers': async () => ({ path: '/v1/solvers' }),
  'GET /v1/workers': async () => ({ path: '/v1/workers' }),
  'GET /v1/queues': async () => ({ path: '/v1/queues' }),
  // Nothing runs on this api-only service: pausing and resuming cpu changes no outcome here.
  'POST /v1/queues/:name/pause': async () => ({ path: '/v1/queues/cpu/pause' }),
  'POST /v1/queues/:name/resume': async () => ({ path: '/v1/queues/cpu/resume' }),
  'GET /v1/me': async () => ({ path: '/v1/me' }),
  'POST /v1/tokens': async () => ({ path: '/v1/tokens', body: { name: 'made-in-test', grants: [{ project: A, role: 'viewer' }] } }),
  'GET /v1/tokens': async () => ({ path: '/v1/tokens' }),
  'DELETE /v1/tokens/:id': async () => ({ path: `/v1/tokens/${await tokenInAlpha()}` }),
  'GET /v1/projects': async () => ({ path: '/v1/projects' }),
  'PUT /v1/projects/:name': async () => ({ path: `/v1/projects/${A}`, body: {} }),
  'POST /v1/stream-tokens': async () => ({ path: '/v1/stream-tokens' }),
  // Nothing listens on port 9: a delivery to it would only fail, and none is due in this test.
  'POST /v1/projects/:name/webhooks': async () => ({ path: `/v1/projects/${A}/webhooks`, body: { url: 'http://127.0.0.1:9/hook', events: ['job.succeeded'] } }),
  'GET /v1/projects/:name/webhooks': async () => ({ path: `/v1/projects/${A}/webhooks` }),
  'PATCH /v1/projects/:name/webhooks/:id': async () => ({ path: `/v1/projects/${A}/webhooks/${await webhookInAlpha()}`, body: { active: false } }),
  'DELETE /v1/projects/:name/webhooks/:id': async () => ({ path: `/v1/projects/${A}/webhooks/${await webhookInAlpha()}` }),
  'GET /v1/projects/:name/webhooks/:id/deliveries': async () => ({ path: `/v1/projects/${A}/webhooks/${hookWithDelivery.id}/deliveries` }),
  'POST /v1/projects/:name/webhooks/:id/deliveries/:deliveryId/redeliver': async () => ({ path: `/v1/projects/${A}/webhooks/${hookWithDelivery.id}/deliveries/${deliveryInAlpha}/redeliver` }),
}

const STREAM = /^\/v1\/(events|jobs\/:id\/(events|logs))$/

type Outcome = 'allowed' | 401 | 403 | 404
/** What the rule of a route promises `c` for a resource (or project) in alpha. */
function expected(route: RouteEntry, rule: AccessRule, c: Caller): Outcome {
  const p = c.principal
  if (!p) return 401
  if (p.streamOnly && !STREAM.test(route.url)) return 403
  if (p.superuser) return 'allowed'
  if (rule.need === 'superuser') return 403
  if (rule.need === 'any') return 'allowed'
  if (rule.in === 'none') return rule.need !== 'admin' || adminSomewhere(p) ? 'allowed' : 403
  // A token is managed by the admins of every project it grants roles in; others do not see it.
  if (rule.in === 'token') return can(p, A, 'admin') ? 'allowed' : 404
  // The creation of a token is a project admin's, and only for a seen project.
  if (!can(p, A, 'viewer')) return 404
  return can(p, A, rule.need) ? 'allowed' : 403
}

/** The answer, as an outcome: an event stream is read up to its headers and dropped. */
async function send(method: string, call: Call, c: Caller): Promise<{ outcome: Outcome; detail: string }> {
  const abort = new AbortController()
  const headers: Record<string, string> = {}
  if (c.token) headers.authorization = `Bearer ${c.token}`
  let body: string | undefined
  if (call.raw) [headers['content-type'], body] = [call.raw.type, call.raw.text]
  else if (call.body !== undefined) [headers['content-type'], body] = ['application/json', JSON.stringify(call.body)]
  const res = await fetch(`${svc.baseUrl}${call.path}`, { method, headers, body, signal: abort.signal })
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    abort.abort()
    return { outcome: 'allowed', detail: `${res.status} stream` }
  }
  const text = await res.text()
  let code: string | undefined
  try {
    code = JSON.parse(text)?.error?.code
  } catch {
    // not JSON: a file, a CSV, a log
  }
  // A 404 for something the handler looked for past the check (no report yet) is not a denial.
  const denied = res.status === 401 || res.status === 403 || (res.status === 404 && code === 'not_found')
  return { outcome: denied ? (res.status as Outcome) : 'allowed', detail: `${res.status} ${code ?? ''} ${text.slice(0, 200)}` }
}

t.test('every /v1 route declares who may call it, and a request drives it', async (t) => {
  t.ok(routes.length >= 25, `${routes.length} routes`)
  for (const r of routes) {
    t.ok(r.access, `${r.method} ${r.url} has an access rule`)
    t.ok(requests[`${r.method} ${r.url}`], `${r.method} ${r.url} has a request in this test`)
    // Reading is a viewer's; changing anything takes more (a stream token only lets its maker read).
    if (r.method !== 'GET' && r.url !== '/v1/stream-tokens') t.not(r.access?.need, 'viewer', `${r.method} ${r.url} changes something: more than a viewer`)
    // A project's webhooks are its admins' to read too: their URLs may carry the receiver's credentials.
    if (r.method === 'GET' && r.url.startsWith('/v1/projects/:name/webhooks')) t.equal(r.access?.need, 'admin', `${r.method} ${r.url} reads a project's webhooks: its admins may`)
    else if (r.method === 'GET' && r.access?.in !== 'none' && r.access?.in !== 'token') t.equal(r.access?.need, 'viewer', `${r.method} ${r.url} reads: a viewer may`)
  }
})

t.test('the allowed/denied matrix: every route, each role, two projects', async (t) => {
  let cells = 0
  for (const route of routes) {
    const make = requests[`${route.method} ${route.url}`]
    if (!make || !route.access) continue
    for (const c of callers) {
      const want = expected(route, route.access, c)
      const got = await send(route.method, await make(), c)
      t.equal(got.outcome, want, `${route.method} ${route.url} as ${c.name}: ${want} (${got.detail})`)
      cells++
    }
  }
  t.equal(cells, routes.length * callers.length, `${cells} cells`)
})

t.test('listings and the event stream show only what the caller may see', async (t) => {
  const inBeta = await store.jobs.create({ kind: 'sample', spec: tinySample().spec, project: B })
  const [viewer, adminBeta] = [callers[1], callers[4]]
  const ids = async (c: Caller) => {
    const res = await svc.api.as(c.token).get('/v1/jobs?limit=100')
    if (res.status !== 200) throw new Error(JSON.stringify(res.body))
    return res.body.items as { id: string; project: string }[]
  }
  t.ok((await ids(viewer)).every((j) => j.project === A), 'a viewer of alpha lists alpha only')
  t.notOk((await ids(viewer)).some((j) => j.id === inBeta.id), 'not the job in beta')
  t.ok((await ids(adminBeta)).some((j) => j.id === inBeta.id), 'beta’s admin lists it')
  t.equal((await svc.api.as(viewer.token).get('/v1/jobs?project=beta')).body.items.length, 0, 'asking for beta by name shows nothing')
  t.strictSame(((await svc.api.as(viewer.token).get('/v1/projects')).body.items as { name: string }[]).map((p) => p.name), [A], 'projects: only alpha')
  const sweeps = (await svc.api.as(adminBeta.token).get('/v1/sweeps')).body.items as { project: string }[]
  t.ok(sweeps.every((s) => s.project === B), 'sweeps of beta only')

  // The event stream of every job: a viewer of alpha gets alpha's events, not beta's.
  const abort = new AbortController()
  const res = await fetch(`${svc.baseUrl}/v1/events?access_token=${minted.body.token}`, { signal: abort.signal })
  t.equal(res.status, 200, 'the stream token opens /v1/events')
  const reader = res.body!.getReader()
  let seen = ''
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
      if (done) return
      seen += new TextDecoder().decode(value)
    }
  })()
  const inAlpha = await svc.api.as(member.token).submit({ ...tinySample(), project: A })
  const hidden = await svc.api.as(adminBeta.token).request('POST', '/v1/jobs', undefined, undefined, { ...tinySample(), project: B })
  t.equal(hidden.status, 201)
  await new Promise((r) => setTimeout(r, 1500))
  abort.abort()
  await reading
  t.match(seen, inAlpha.id, 'alpha’s new job is on the stream')
  t.notMatch(seen, hidden.body.id, 'beta’s is not')
})

t.test('tokens: shown once, stored as a hash, revoked, expiring, never in a URL', async (t) => {
  const adminAlpha = svc.api.as(callers[3].token)
  const made = await adminAlpha.request('POST', '/v1/tokens', undefined, undefined, { name: 'ci-bot', grants: [{ project: A, role: 'member' }], expiresInDays: 1 })
  t.equal(made.status, 201)
  const { token, record } = made.body
  t.ok(token.startsWith(record.prefix), 'the prefix recognises it')
  t.ok(record.expiresAt, 'it expires')
  const listed = (await adminAlpha.get('/v1/tokens')).body.items as { id: string; token?: string }[]
  t.ok(listed.some((x) => x.id === record.id), 'its admin lists it')
  t.notOk(JSON.stringify(listed).includes(token), 'the list never shows a token')
  const { rows } = await store.db.query('select * from tokens where id = $1', [record.id])
  t.notOk(JSON.stringify(rows).includes(token), 'the store keeps only its hash')
  t.equal((await svc.api.as(token).get('/v1/me')).body.subject, 'ci-bot', 'it works')
  const inUrl = await fetch(`${svc.baseUrl}/v1/events?access_token=${token}`)
  t.equal(inUrl.status, 401, 'a long-lived token in a URL is refused')
  t.equal((await adminAlpha.request('DELETE', `/v1/tokens/${record.id}`)).status, 200, 'revoked')
  // Lookups are cached for a few seconds.
  await new Promise((r) => setTimeout(r, 5200))
  const after = await svc.api.as(token).get('/v1/me')
  t.equal(after.status, 401, 'a revoked token stops working')
  const expired = await store.tokens.create({ name: 'old', subject: 'old', grants: [{ project: A, role: 'viewer' }], expiresAt: new Date(Date.now() - 1000).toISOString() })
  t.equal((await svc.api.as(expired.token).get('/v1/me')).status, 401, 'an expired token does not work')
})

t.test('who did it: submit, cancel and delete record the subject', async (t) => {
  const m = svc.api.as(member.token)
  const j = await m.submit({ ...tinySample(), project: A })
  t.equal(j.createdBy, 'member-alpha')
  t.equal(j.project, A)
  t.equal((await svc.api.as(callers[3].token).post(`/v1/jobs/${j.id}/cancel`)).status, 202)
  const events = await store.events.since(0, { jobId: j.id, limit: 50 })
  t.ok(events.some((e) => JSON.stringify(e).includes('admin-alpha')), `the cancel names admin-alpha: ${JSON.stringify(events.map((e) => e.data))}`)
  const gone = await m.request('DELETE', `/v1/jobs/${j.id}`)
  t.equal(gone.status, 200)
  t.equal(gone.body.deletedBy, 'member-alpha')
  t.ok(gone.body.deletedAt)
  t.equal((await m.get(`/v1/jobs/${j.id}`)).body.deletedBy, 'member-alpha', 'the row stays as a tombstone')
  t.notOk(((await m.get('/v1/jobs')).body.items as { id: string }[]).some((x) => x.id === j.id), 'not listed by default')
  t.ok(((await m.get('/v1/jobs?includeDeleted=true')).body.items as { id: string }[]).some((x) => x.id === j.id), 'listed with includeDeleted')
})
