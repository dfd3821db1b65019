// The TypeScript client (fsdfm/client, generated from the OpenAPI document) against a running
// service, and the TypeScript examples that use it, run as a user runs them.
import { spawn } from 'node:child_process'
import { connect, createServer, type AddressInfo } from 'node:net'
import t from 'tap'
import { ApiError, ConnectionError, FsdfmClient, type JobEvent, type SampleResult } from 'fsdfm/client'
import { freePort } from '../faults/procs.ts'
import { startTestService } from '../helpers.ts'

const svc = await startTestService(t)
const client = new FsdfmClient({ url: svc.baseUrl! })

t.test('submit, wait with events, typed results', async (t) => {
  const submitted = await client.submit({ kind: 'sample', spec: { model: { preset: 'tiny' }, steps: 4, count: 2, batchSize: 2, seqLen: 16 } })
  const seen: JobEvent['type'][] = []
  const job = await client.wait(submitted.id, { onEvent: (e) => seen.push(e.type) })
  t.equal(job.state, 'succeeded')
  t.ok(seen.includes('progress') && seen[seen.length - 1] === 'state')
  t.equal((job.result as SampleResult).samples?.length, 2)
  // Resuming after an event gives exactly the events after it.
  const all: JobEvent[] = []
  for await (const e of client.events({ jobId: job.id })) all.push(e)
  const middle = all[Math.floor(all.length / 2)]
  const rest: number[] = []
  for await (const e of client.events({ jobId: job.id, lastEventId: middle.id })) rest.push(e.id)
  t.strictSame(rest, all.filter((e) => e.id > middle.id).map((e) => e.id))
  const logs: string[] = []
  for await (const line of client.logs(job.id)) logs.push(line)
  t.ok(logs.length > 0, 'the log of a finished job')
})

t.test('errors carry the code and the field paths', async (t) => {
  const bad = await client.api.POST('/v1/jobs', { body: { kind: 'sample', spec: { steps: 0 } } })
  t.equal(bad.response.status, 400)
  t.equal(bad.error?.error.code, 'invalid_request')
  const err = await client.get('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e)
  t.ok(err instanceof ApiError)
  t.match(err, { status: 404, code: 'not_found' })
  const rejected = await client.submit({ kind: 'sample', spec: { steps: 0 } }).catch((e: unknown) => e)
  t.match(rejected, { code: 'invalid_request', details: [{ path: '/spec/steps' }] })
  const nowhere = new FsdfmClient({ url: `http://127.0.0.1:${await freePort()}` })
  t.ok((await nowhere.get('x').catch((e: unknown) => e)) instanceof ConnectionError)
})

t.test('examples/sample.ts runs against the service with the generated client', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/sample.ts'], { env: { ...process.env, FSDFM_URL: svc.baseUrl! }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const code = await new Promise((resolve) => child.once('close', resolve))
  t.equal(code, 0, out)
  t.match(out, /submitted sample job [0-9a-f-]{36}/)
  t.match(out, /succeeded/)
  t.match(out, /sample 0: ".*"/)
  t.match(out, /samples\.txt: \d+ bytes, sha256 [0-9a-f]{16}… matches/)
})

t.test('a submit whose answer is lost is retried with its key: one job, not two', async (t) => {
  // A proxy in front of the api that passes the first request through and then drops the
  // connection instead of answering: the job exists, the client never heard of it.
  const upstream = new URL(svc.baseUrl!)
  let dropped = 0
  const proxy = createServer((inbound) => {
    const outbound = connect(Number(upstream.port), upstream.hostname)
    inbound.pipe(outbound)
    if (dropped++ === 0) outbound.once('data', () => inbound.destroy())
    else outbound.pipe(inbound)
    inbound.on('error', () => outbound.destroy())
    outbound.on('error', () => inbound.destroy())
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  t.teardown(() => proxy.close())
  const viaProxy = new FsdfmClient({ url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` })
  const name = `lost-answer-${Date.now()}`
  const job = await viaProxy.submit({ kind: 'sample', name, spec: { model: { preset: 'tiny' }, steps: 2, count: 1, batchSize: 1, seqLen: 16 } })
  t.ok(dropped >= 2, 'the first answer was lost and the request sent again')
  const named = (await client.api.GET('/v1/jobs', { params: { query: { limit: 500 } } })).data!.items.filter((j) => j.name === name)
  t.strictSame(named.map((j) => j.id), [job.id], 'one job, the one the retry returned')
})
