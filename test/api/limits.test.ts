// Issue 10 at the door: what a worker would turn into sizes is checked at submit (sweeps too),
// limits are configurable, a job nobody can run is refused or flagged, and malformed input of
// every kind is a 4xx with the error shape, never a 500. Uploads stream to disk and never come
// back in job listings.
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { isolate, startTestService, tinySample } from '../helpers.ts'

const iso = isolate(t, { FSDFM_MAX_UPLOAD_BYTES: '100000', FSDFM_MAX_BODY_BYTES: '200000' })
const svc = await startTestService(t, { role: 'api', iso })
const { api, store } = svc

const problemPaths = (res: { body: { error?: { details?: { path: string }[] } } }) => (res.body.error?.details ?? []).map((d) => d.path)
async function rows(): Promise<number> {
  const { rows } = await store.db.query<{ n: number }>('select count(*)::int as n from jobs')
  return rows[0].n
}

t.test('the poison template and other sizes are refused at the door, naming the field', async (t) => {
  const before = await rows()
  const cases: [string, unknown, string][] = [
    ['a hole of 10^20 tokens', { kind: 'sample', spec: { infill: 'a [[99999999999999999999]] b' } }, '/spec/infill'],
    ['holes longer than the sequence', { kind: 'sample', spec: { seqLen: 16, infill: 'a [[10]] b [[10]]' } }, '/spec/infill'],
    ['a prompt longer than the sequence', { kind: 'sample', spec: { seqLen: 8, prompt: 'one two three four five six seven eight nine ten' } }, '/spec/prompt'],
    ['10,000 samples of 8,192 tokens', { kind: 'sample', spec: { count: 10_000, seqLen: 8192 } }, '/spec/count'],
    ['a batch of 1,024 x 8,192 tokens', { kind: 'sample', spec: { count: 1024, batchSize: 1024, seqLen: 8192 } }, '/spec/batchSize'],
    ['10^15 training steps', { kind: 'pretrain', spec: { datasetJobId: randomUUID(), steps: 1e15 } }, '/spec/steps'],
    ['a temperature near 0', { kind: 'sample', spec: { temperature: 1e-30 } }, '/spec/temperature'],
    ['a seed past 2^32', { kind: 'sample', spec: { seed: 2 ** 60 } }, '/spec/seed'],
  ]
  for (const [what, body, path] of cases) {
    const res = await api.post('/v1/jobs', body)
    t.equal(res.status, 400, `${what}: 400`)
    t.ok(problemPaths(res).includes(path), `${what}: names ${path} (got ${problemPaths(res).join(', ')}: ${res.body.error?.message})`)
  }
  t.equal(await rows(), before, 'nothing stored')
})

t.test('a sweep whose values include the poison template is refused', async (t) => {
  const res = await api.post('/v1/sweeps', { base: tinySample(), space: { infill: { grid: ['ok [[2]] ok', 'a [[99999999999999999999]] b'] } }, objective: { metric: 'sample/entropy' } })
  t.equal(res.status, 400)
  t.ok(problemPaths(res).includes('/space/infill'), `names /space/infill: ${res.body.error?.message}`)
})

t.test('a job no registered worker serves is refused; with no worker yet it is flagged', async (t) => {
  const flagged = await api.submit({ ...tinySample(), gpus: 4 })
  t.match(flagged.unschedulable, /no worker is running/, 'no worker has registered yet: accepted, and it says why it waits')
  await store.workers.register({ name: 'cpu-box', host: 'here', queues: ['data', 'cpu'], gpus: 0, memoryBytes: 8 * 2 ** 30 })
  await new Promise((r) => setTimeout(r, 2100)) // the api reads the registry at most every 2 s
  const res = await api.post('/v1/jobs', { ...tinySample(), gpus: 64 })
  t.equal(res.status, 400)
  t.match(res.body.error.details, [{ path: '/gpus', message: /no worker serves jobs with 64 GPU/ }])
  const cpu = await api.submit(tinySample())
  t.equal(cpu.unschedulable, null, 'a live worker serves the cpu queue')
  // Memory against what the registered worker has: 8 GiB cannot hold this batch of logits.
  const big = await api.post('/v1/jobs', { kind: 'sample', spec: { count: 64, batchSize: 32, seqLen: 8192 } })
  t.equal(big.status, 400)
  t.match(big.body.error.details, [{ path: '/spec/batchSize', message: /GiB/ }])
})

t.test('malformed input is a 4xx with the error shape, never a 500', async (t) => {
  const checks: [string, () => Promise<{ status: number; body: any }>, number, string?][] = [
    ['NUL in a string', () => api.post('/v1/jobs', { ...tinySample(), name: 'a\u0000b' }), 400, '/name'],
    ['NUL in a tag', () => api.post('/v1/jobs', { ...tinySample(), tags: ['x\u0000'] }), 400, '/tags/0'],
    ['an unpaired surrogate', () => api.request('POST', '/v1/jobs', undefined, JSON.stringify({ ...tinySample(), name: 'x' }).replace('"x"', '"\\ud800x"')), 400, '/name'],
    ['an unpaired surrogate in a key', () => api.request('POST', '/v1/jobs', undefined, '{"kind":"sample","spec":{},"\\udc00":1}'), 400],
    ['NUL in a query parameter', () => api.get('/v1/jobs?tag=a%00b'), 400, '/querystring/tag'],
    ['a malformed cursor', () => api.get('/v1/jobs?cursor=garbage'), 400, '/querystring/cursor'],
    ['a cursor of the wrong shape', () => api.get(`/v1/jobs?cursor=${Buffer.from('[1,2]').toString('base64url')}`), 400],
    ['February 31', () => api.get('/v1/jobs?createdAfter=2024-02-31T00:00:00Z'), 400, '/querystring/createdAfter'],
    ['year 0', () => api.get('/v1/jobs?createdBefore=0000-01-01T00:00:00Z'), 400, '/querystring/createdBefore'],
    ['month 13', () => api.get('/v1/jobs?createdAfter=2024-13-01T00:00:00Z'), 400],
    ['an oversized Last-Event-ID', () => api.request('GET', '/v1/events', { 'last-event-id': '9'.repeat(400) }), 400],
    ['deeply nested JSON in a sweep space', () => api.request('POST', '/v1/sweeps', undefined, `{"base":{"kind":"sample","spec":{}},"space":{"steps":{"grid":[${'['.repeat(5000)}${']'.repeat(5000)}]}},"objective":{"metric":"sample/entropy"}}`), 400],
    ['invalid JSON', () => api.request('POST', '/v1/jobs', undefined, '{"kind":'), 400],
    ['an empty JSON body', () => api.request('POST', '/v1/jobs', undefined, ''), 400],
    ['a body over the limit', () => api.post('/v1/jobs', { kind: 'dataset', spec: { source: 'upload', text: 'x'.repeat(300_000) } }), 413],
    ['an unsupported media type', () => api.request('POST', '/v1/jobs', { 'content-type': 'application/xml' }, '<job/>'), 415],
    ['a malformed job id', () => api.get('/v1/jobs/not-a-uuid'), 400],
  ]
  for (const [what, send, status, path] of checks) {
    const res = await send()
    t.equal(res.status, status, `${what}: ${status}`)
    t.type(res.body?.error?.code, 'string', `${what}: the error shape (${JSON.stringify(res.body).slice(0, 200)})`)
    if (path) t.ok(problemPaths(res).includes(path), `${what}: names ${path}`)
  }
})

t.test('uploads stream to disk, and texts never come back in job listings', async (t) => {
  const text = 'The jury said it did find that the election was conducted.\n\nA second document follows here.\n'
  const up = await api.request('POST', '/v1/uploads', { 'content-type': 'text/plain' }, text)
  t.equal(up.status, 201)
  t.match(up.body, { id: String, size: Buffer.byteLength(text), sha256: /^[0-9a-f]{64}$/ })
  const file = join(svc.config.artifactDir, 'uploads', up.body.id)
  t.equal(readFileSync(file, 'utf8'), text, 'the bytes are on disk')
  t.equal((await api.get(`/v1/uploads/${up.body.id}`)).body.sha256, up.body.sha256)
  const byId = await api.submit({ kind: 'dataset', spec: { source: 'upload', uploadId: up.body.id } })
  t.equal((byId.spec as { uploadId?: string }).uploadId, up.body.id)

  const inline = await api.submit({ kind: 'dataset', spec: { source: 'upload', text: `${text}SECRET-MARKER` } })
  t.type((inline.spec as { uploadId?: string }).uploadId, "string", "inline text is stored as an upload")
  t.equal((inline.spec as { text?: string }).text, undefined, "and not kept in the job")
  const listing = await api.get('/v1/jobs?kind=dataset&limit=500')
  t.notOk(JSON.stringify(listing.body).includes('SECRET-MARKER'), 'the listing does not echo it')

  const tooBig = await api.request('POST', '/v1/uploads', { 'content-type': 'application/octet-stream' }, 'y'.repeat(150_000))
  t.equal(tooBig.status, 413)
  t.equal(tooBig.body.error.code, 'payload_too_large')
  t.equal(
    (await api.post('/v1/jobs', { kind: 'dataset', spec: { source: 'upload', uploadId: randomUUID() } })).status,
    400,
    'an unknown upload id is refused',
  )
  t.notOk(existsSync(join(svc.config.artifactDir, 'uploads', 'x')), 'nothing half-written')
})
