// The error catalogue, answer by answer: every code in src/errors.ts is produced by a real
// request here, with the status the catalogue gives it, its hint, and the one error shape.
// A code added to the catalogue without a case below fails this test.
import { createHash, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/api/app.ts'
import { API_ERROR_CODES, API_ERRORS, type ApiErrorCode } from '../../src/errors.ts'
import { createRedis, Queues } from '../../src/queue/index.ts'
import { openDb, storeOf } from '../../src/store/index.ts'
import { isolate, startTestService, tinySample } from '../helpers.ts'

const iso = isolate(t, { FSDFM_MAX_BODY_BYTES: '4096' })
const svc = await startTestService(t, { role: 'api', iso })
const { api, store } = svc
type Answer = { status: number; body: any; headers: Headers }

/** An api of its own on the same store and queues, with other settings (auth on, a rate limit). */
async function appWith(overrides: Partial<typeof svc.config>) {
  const app = await buildApp({ config: { ...svc.config, ...overrides }, store, queues: svc.queues })
  t.teardown(() => app.close())
  return async (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: unknown): Promise<Answer> => {
    const res = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) })
    return { status: res.statusCode, body: res.json(), headers: new Headers(res.headers as Record<string, string>) }
  }
}
const bearer = async (grants: { project: string; role: 'viewer' | 'member' | 'admin' }[]) => ({
  authorization: `Bearer ${(await store.tokens.create({ name: 'errors-test', subject: 'someone', grants })).token}`,
})

/** An artifact transfer of `text` for a job held by attempt fence 1, as a remote worker opens one. */
async function transferOf(text: string) {
  const job = await store.jobs.create({ kind: 'sample', spec: {} })
  await store.db.query(`update jobs set state = 'running', fence = 1 where id = $1`, [job.id])
  return { jobId: job.id, fence: 1, name: 'out.txt', kind: 'test', path: 'out.txt', size: text.length, sha256: createHash('sha256').update(text).digest('hex') }
}

const cases: Record<ApiErrorCode, () => Promise<Answer>> = {
  invalid_request: () => api.post('/v1/jobs', { kind: 'bake', spec: {} }),
  invalid_json: () => api.request('POST', '/v1/jobs', undefined, '{"kind":'),
  invalid_cursor: () => api.get('/v1/jobs?cursor=garbage'),
  unauthorized: async () => (await appWith({ FSDFM_AUTH: 'on' }))('GET', '/v1/jobs'),
  forbidden: async () => (await appWith({ FSDFM_AUTH: 'on' }))('POST', '/v1/jobs', await bearer([{ project: 'lab', role: 'viewer' }]), { ...tinySample(), project: 'lab' }),
  not_found: () => api.get(`/v1/jobs/${randomUUID()}`),
  idempotency_mismatch: async () => {
    const key = { 'idempotency-key': randomUUID() }
    await api.request('POST', '/v1/jobs', key, undefined, tinySample())
    return api.request('POST', '/v1/jobs', key, undefined, tinySample({ seed: 2 }))
  },
  rate_limited: async () => {
    const call = await appWith({ FSDFM_RATE_LIMIT: 2 })
    await call('GET', '/v1/jobs')
    await call('GET', '/v1/jobs')
    return call('GET', '/v1/jobs')
  },
  quota_exceeded: async () => {
    await store.projects.put('full', { maxQueued: 0 })
    return api.post('/v1/jobs', { ...tinySample(), project: 'full' })
  },
  not_cancellable: async () => {
    const job = await api.submit(tinySample())
    await api.post(`/v1/jobs/${job.id}/cancel`)
    return api.post(`/v1/jobs/${job.id}/cancel`)
  },
  not_resumable: async () => api.post(`/v1/jobs/${(await api.submit(tinySample())).id}/resume`),
  no_trace: async () => api.get(`/v1/jobs/${(await api.submit(tinySample())).id}/trace`),
  no_report: async () => api.get(`/v1/jobs/${(await api.submit(tinySample())).id}/report`),
  artifact_missing: async () => {
    const job = await store.jobs.create({ kind: 'sample', spec: {} })
    const dir = mkdtempSync(join(tmpdir(), 'fsdfm-gone-'))
    writeFileSync(join(dir, 'samples.txt'), 'text')
    await store.artifacts.register(job.id, { name: 'samples.txt', kind: 'samples', path: join(dir, 'samples.txt') })
    rmSync(dir, { recursive: true })
    return api.get(`/v1/jobs/${job.id}/artifacts/samples.txt`)
  },
  attempt_superseded: async () => api.post('/v1/transfers', { ...(await transferOf('x')), fence: 0 }),
  upload_offset_mismatch: async () => {
    const opened = await api.post('/v1/transfers', await transferOf('text'))
    return api.request('PATCH', `/v1/transfers/${opened.body.id}`, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '2' }, 'xt')
  },
  checksum_mismatch: async () => {
    const opened = await api.post('/v1/transfers', await transferOf('text'))
    return api.request('PATCH', `/v1/transfers/${opened.body.id}`, { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, 'tent')
  },
  payload_too_large: () => api.post('/v1/jobs', { ...tinySample(), name: 'x'.repeat(8000) }),
  unsupported_media_type: () => api.request('POST', '/v1/jobs', { 'content-type': 'application/xml' }, '<job/>'),
  internal: async () => {
    // A route that fails the way a bug would, on an app of its own.
    const app = await buildApp({ config: svc.config, store, queues: svc.queues })
    app.get('/boom', async () => {
      throw new TypeError('a bug')
    })
    t.teardown(() => app.close())
    const res = await app.inject({ method: 'GET', url: '/boom' })
    return { status: res.statusCode, body: res.json(), headers: new Headers(res.headers as Record<string, string>) }
  },
  store_unavailable: async () => {
    // PostgreSQL that is not there: nothing listens on port 1.
    const db = await openDb({ url: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 1000 })
    const app = await buildApp({ config: svc.config, store: storeOf(db), queues: svc.queues })
    t.teardown(async () => {
      await app.close()
      await db.close()
    })
    const res = await app.inject({ method: 'GET', url: `/v1/jobs/${randomUUID()}` })
    return { status: res.statusCode, body: res.json(), headers: new Headers(res.headers as Record<string, string>) }
  },
  queue_unavailable: async () => {
    // Redis that is not there: nothing listens on port 1; the queue calls give up after 300 ms.
    const redis = createRedis('redis://127.0.0.1:1')
    redis.on('error', () => {})
    const queues = new Queues(redis, svc.config.FSDFM_QUEUE_PREFIX, { timeoutMs: 300 })
    const app = await buildApp({ config: svc.config, store, queues })
    t.teardown(async () => {
      await app.close()
      await queues.close()
      redis.disconnect()
    })
    const res = await app.inject({ method: 'GET', url: '/v1/queues' })
    return { status: res.statusCode, body: res.json(), headers: new Headers(res.headers as Record<string, string>) }
  },
}

for (const code of API_ERROR_CODES) {
  t.test(`${code}: ${API_ERRORS[code].status}`, async (t) => {
    t.ok(cases[code], 'the table has a request that produces it')
    const res = await cases[code]()
    t.equal(res.status, API_ERRORS[code].status, 'the status of the catalogue')
    t.equal(res.body.error.code, code)
    t.type(res.body.error.message, 'string')
    t.equal(res.body.error.hint, API_ERRORS[code].hint, 'the hint says what to do')
    if (code === 'store_unavailable' || code === 'queue_unavailable' || code === 'rate_limited') t.ok(res.headers.get('retry-after'), 'Retry-After')
    if (code === 'unauthorized') t.equal(res.headers.get('www-authenticate'), 'Bearer')
    if (code === 'internal') t.match(res.body.error.message, /request \S+/, 'names the request id')
  })
}

t.test('every query parameter of every route: bad values are a 400 naming it', async (t) => {
  const doc = (await api.get('/docs/json')).body as { paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema: { type?: string; enum?: unknown[]; format?: string; minimum?: number } }[] }>> }
  let checked = 0
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (method !== 'get' || path.endsWith('/events')) continue // event streams stay open; their header is covered in limits.test.ts
      const url = path.replace(/\{id\}/, (await api.submit(tinySample())).id).replace(/\{name\}/, 'x')
      for (const p of (op.parameters ?? []).filter((q) => q.in === 'query')) {
        const bad = ['%00']
        if (p.schema.type === 'integer') bad.push('abc', '1.5', '-99999999999999999999')
        if (p.schema.enum) bad.push('nope')
        if (p.schema.format === 'date-time') bad.push('not-a-date', '2024-02-31T00:00:00Z')
        if (p.name === 'cursor') bad.push('garbage')
        for (const value of bad) {
          const res = await api.get(`${url}?${p.name}=${value}`)
          t.equal(res.status, 400, `${path} ?${p.name}=${value}: 400`)
          t.ok((res.body.error?.details ?? []).some((d: { path: string }) => d.path === `/querystring/${p.name}`), `${path} ?${p.name}=${value}: names it (${res.body.error?.message})`)
          checked++
        }
      }
    }
  }
  t.ok(checked >= 20, `${checked} bad values sent`)
})
