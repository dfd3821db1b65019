// Issue 18: a worker on a machine without the artifact directory. The worker process gets a
// data directory of its own (empty) and reaches the api only through a proxy that this test
// controls: it runs an upload -> dataset -> pretrain -> sample chain, fetching inputs and
// sending outputs through the api. The proxy cuts the checkpoint's upload and a download off
// part-way: both continue from where they stopped and the sha256 matches. A second sample job
// reads the checkpoint from the worker's cache. Then a corrupt upload is refused and leaves
// nothing behind.
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { jobDir } from '../../src/jobs/paths.ts'
import { transfersDir } from '../../src/jobs/transfers.ts'
import type { JobView } from '../../src/schemas/views.ts'
import { isolate, startTestService } from '../helpers.ts'
import { spawnFsdfm } from '../faults/procs.ts'

const ADMIN = 'fsdfm_remote_artifacts_test_token'
const iso = isolate(t, { FSDFM_AUTH: 'on', FSDFM_ADMIN_TOKEN: ADMIN, FSDFM_RATE_LIMIT: '0' })
const svc = await startTestService(t, { role: 'api', iso })
const api = svc.api.as(ADMIN)
const apiArtifacts = svc.config.artifactDir
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

/** What the proxy saw: one entry per request, and what it did to it. */
interface Seen {
  method: string
  path: string
  range?: string
  offset?: string
  cut?: boolean
}

/** A proxy in front of the api that can cut the next upload or download off after `n` bytes. */
class CuttingProxy {
  readonly seen: Seen[] = []
  cutUploadAfter: number | null = null
  cutDownloadOf: { path: RegExp; after: number } | null = null
  private server!: Server
  url = ''

  async start(target: string): Promise<void> {
    const upstream = new URL(target)
    this.server = createServer((req, res) => this.forward(upstream, req, res))
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r))
    const address = this.server.address()
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    t.teardown(() => new Promise<void>((r) => this.server.close(() => r())))
  }

  private forward(upstream: URL, req: IncomingMessage, res: import('node:http').ServerResponse): void {
    const seen: Seen = { method: req.method!, path: req.url!, range: req.headers.range, offset: req.headers['upload-offset'] as string | undefined }
    this.seen.push(seen)
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const cut = this.cutDownloadOf
      if (cut && req.method === 'GET' && cut.path.test(req.url!) && !req.headers.range) {
        // Half a download: the headers and the first bytes, then the connection drops.
        this.cutDownloadOf = null
        seen.cut = true
        res.writeHead(answer.statusCode!, answer.headers)
        let sent = 0
        answer.on('data', (chunk: Buffer) => {
          if (sent >= cut.after) return
          res.write(chunk.subarray(0, cut.after - sent))
          sent += chunk.length
          if (sent >= cut.after) {
            // Let the client take in what it got, then drop the connection.
            answer.destroy()
            setTimeout(() => res.socket?.destroy(), 200)
          }
        })
        return
      }
      res.writeHead(answer.statusCode!, answer.headers)
      answer.pipe(res)
    })
    out.on('error', () => res.socket?.destroy())
    const limit = req.method === 'PATCH' ? this.cutUploadAfter : null
    if (limit === null) {
      req.pipe(out)
      return
    }
    // Part of an upload reaches the api, then both connections drop, as when a network fails.
    let passed = 0
    req.on('data', (chunk: Buffer) => {
      if (seen.cut) return
      const room = limit - passed
      out.write(chunk.subarray(0, Math.max(0, room)))
      passed += chunk.length
      if (passed >= limit) {
        this.cutUploadAfter = null
        seen.cut = true
        // Give the api a moment to write what it got, then drop both sides.
        setTimeout(() => {
          out.destroy()
          req.socket.destroy()
        }, 100)
      }
    })
    req.on('end', () => {
      if (!seen.cut) out.end()
    })
  }
}

const proxy = new CuttingProxy()
await proxy.start(svc.baseUrl!)
// The worker's own data directory: nothing of the api's is configured for it.
const workerData = mkdtempSync(join(tmpdir(), 'fsdfm-remote-worker-'))
t.teardown(() => rmSync(workerData, { recursive: true, force: true }))
const workerArtifacts = join(workerData, 'artifacts')
const cache = join(workerData, 'artifact-cache')
const worker = spawnFsdfm(t, 'worker', {
  ...iso.env,
  FSDFM_DATA_DIR: workerData,
  FSDFM_ARTIFACTS: 'remote',
  FSDFM_API_URL: proxy.url,
  FSDFM_API_TOKEN: ADMIN,
  FSDFM_WORKER_NAME: 'far-away',
})
await worker.waitFor(/ready: queues/)

const ok = (t: { equal: (found: unknown, wanted: unknown, message: string) => unknown }, job: JobView) => t.equal(job.state, 'succeeded', `${job.kind} succeeded ${job.error ? JSON.stringify(job.error) : ""}`)
const artifactsOf = async (id: string) => (await api.get(`/v1/jobs/${id}/artifacts`)).body.items as { name: string; sha256: string; size: number }[]
const seenGets = (path: RegExp) => proxy.seen.filter((s) => s.method === 'GET' && path.test(s.path))
let dataset: JobView, model: JobView

t.test('dataset from an upload: the text comes from the api, the shards go back to it', async (t) => {
  const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran', 'far', 'away', 'home']
  const text = Array.from({ length: 60 }, (_, d) => Array.from({ length: 40 }, (_, i) => words[(d * 7 + i * 3 + (i % 5)) % words.length]).join(' ')).join('\n\n')
  const upload = await api.request('POST', '/v1/uploads', { 'content-type': 'text/plain' }, text)
  t.equal(upload.status, 201)
  dataset = await api.waitFor((await api.submit({ kind: 'dataset', spec: { source: 'upload', uploadId: upload.body.id, compactVocab: 64 } })).id)
  ok(t, dataset)
  t.equal(seenGets(new RegExp(`/v1/uploads/${upload.body.id}/content`)).length, 1, 'the worker downloaded the text once')
  const items = await artifactsOf(dataset.id)
  t.strictSame(items.map((a) => a.name).sort(), ['manifest.json', 'train.bin', 'validation.bin'])
  for (const a of items) {
    const onApi = join(jobDir(apiArtifacts, dataset.id), 'dataset', a.name)
    t.equal(sha256(readFileSync(onApi)), a.sha256, `${a.name} is on the api's disk, whole`)
  }
})

t.test('pretrain: its dataset from the cache; the checkpoint upload is cut off and resumes', async (t) => {
  proxy.cutUploadAfter = 64 * 1024
  model = await api.waitFor((await api.submit({ kind: 'pretrain', spec: { datasetJobId: dataset.id, model: { preset: 'tiny' }, steps: 6, seqLen: 16, batchSize: 4, logEvery: 3, checkpointEvery: 6, warmupSteps: 1 } })).id)
  ok(t, model)
  t.equal(seenGets(new RegExp(`/v1/jobs/${dataset.id}/artifacts/`)).length, 0, 'the shards this worker uploaded came from its cache')
  const patches = proxy.seen.filter((s) => s.method === 'PATCH')
  const cut = patches.findIndex((s) => s.cut)
  t.ok(cut >= 0, 'an upload was cut off')
  const next = patches.slice(cut + 1)
  t.ok(next.length > 0 && Number(next[0].offset) > 0, `the next request continued from the api's offset (${next[0]?.offset}), not from 0`)
  t.ok(proxy.seen.some((s) => s.method === 'GET' && /^\/v1\/transfers\//.test(s.path)), 'after asking the api for it')
  const checkpoint = (await artifactsOf(model.id)).find((a) => a.name === 'checkpoint.pt')!
  t.ok(checkpoint && checkpoint.size > 64 * 1024, `the checkpoint (${checkpoint?.size} bytes) is larger than the cut`)
  const local = readFileSync(join(jobDir(workerArtifacts, model.id), 'checkpoint.pt'))
  const onApi = readFileSync(join(jobDir(apiArtifacts, model.id), 'checkpoint.pt'))
  t.equal(sha256(onApi), sha256(local), 'the api holds exactly the bytes the worker wrote')
  t.equal(checkpoint.sha256, sha256(local))
  t.match(worker.output, /uploaded checkpoint\.pt of job \S+ \(\d+ bytes, resumed 1 time\(s\)\)/)
  t.strictSame(readdirSync(transfersDir(apiArtifacts)), [], 'no transfer left open on the api')
})

t.test('sample twice: the checkpoint is downloaded once (a cut-off download resumes), then read from the cache', async (t) => {
  // As on a machine that did not train it: the cache starts empty.
  rmSync(cache, { recursive: true, force: true })
  proxy.cutDownloadOf = { path: /\/artifacts\/checkpoint\.pt$/, after: 32 * 1024 }
  const spec = { checkpointJobId: model.id, steps: 4, count: 2, batchSize: 2, seqLen: 16, seed: 1 }
  const first = await api.waitFor((await api.submit({ kind: 'sample', spec })).id)
  ok(t, first)
  const downloads = seenGets(/\/artifacts\/checkpoint\.pt$/)
  t.equal(downloads.length, 2, 'one download cut off, one to finish it')
  t.ok(downloads[0].cut, 'the first was cut off')
  const from = Number(/^bytes=(\d+)-$/.exec(downloads[1].range ?? '')?.[1])
  t.ok(from > 0 && from <= 32 * 1024, `the second asked for the rest only (${downloads[1].range})`)
  const samples = (first.result as { samples: { text: string; tokens: number[] }[] }).samples
  t.equal(samples.length, 2, 'the samples come back')
  t.ok(samples.every((s) => s.tokens.length === 16 && s.text.length > 0))
  const text = await api.get(`/v1/jobs/${first.id}/artifacts/samples.txt`)
  t.equal(text.status, 200, 'samples.txt reached the api')
  t.match(text.body, samples[0].text)

  const second = await api.waitFor((await api.submit({ kind: 'sample', spec: { ...spec, seed: 2 } })).id)
  ok(t, second)
  t.equal(seenGets(/\/artifacts\/checkpoint\.pt$/).length, 2, 'the second job downloaded nothing: the cache had the checkpoint')
  t.match(worker.output, new RegExp(`the checkpoint of job ${model.id} from the cache`))
  t.notMatch(worker.output, apiArtifacts, 'the worker never named the api’s directory')
})

t.test('a corrupt upload is refused with 422 and leaves nothing; a wrong offset or another attempt is refused', async (t) => {
  worker.child.kill('SIGKILL')
  await worker.exited
  // A job held by attempt fence 7, as a worker would hold it.
  const job = await svc.store.jobs.create({ kind: 'sample', spec: { model: { preset: 'tiny' }, steps: 1, count: 1, batchSize: 1, seqLen: 8 } })
  await svc.store.db.query(`update jobs set state = 'running', fence = 7 where id = $1`, [job.id])
  const bytes = Buffer.from('x'.repeat(5000))
  const open = (body: Record<string, unknown>) => api.post('/v1/transfers', { jobId: job.id, fence: 7, name: 'blob.bin', kind: 'test', path: 'blob.bin', size: bytes.length, sha256: sha256(bytes), ...body })
  const patch = (id: string, offset: number, chunk: Buffer) =>
    api.request('PATCH', `/v1/transfers/${id}`, { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) }, chunk as unknown as string)

  t.match((await open({ fence: 6 })).body.error, { code: 'attempt_superseded' }, 'an older attempt may not open one')
  const climbing = await open({ path: '../escape.bin' })
  t.equal(climbing.status, 400)
  t.equal(climbing.body.error.details[0].path, '/path', 'a path out of the job directory is refused, naming the field')

  const transfer = (await open({})).body
  t.equal(transfer.offset, 0)
  const wrong = await patch(transfer.id, 100, bytes.subarray(100, 200))
  t.equal(wrong.status, 409)
  t.equal(wrong.body.error.code, 'upload_offset_mismatch')
  const half = await patch(transfer.id, 0, bytes.subarray(0, 2500))
  t.match(half.body, { offset: 2500, complete: false })
  t.equal((await api.get(`/v1/transfers/${transfer.id}`)).headers.get('upload-offset'), '2500', 'GET says where to go on')
  const corrupt = Buffer.from(bytes.subarray(2500))
  corrupt[10] = 0x79
  const refused = await patch(transfer.id, 2500, corrupt)
  t.equal(refused.status, 422)
  t.equal(refused.body.error.code, 'checksum_mismatch')
  t.equal((await api.get(`/v1/transfers/${transfer.id}`)).status, 404, 'the transfer is gone')
  t.notOk(existsSync(join(jobDir(apiArtifacts, job.id), 'blob.bin')), 'no file in the job directory')
  t.strictSame(readdirSync(transfersDir(apiArtifacts)), [], 'no partial file left')
  t.strictSame(await artifactsOf(job.id), [], 'no artifact registered')

  const good = (await open({})).body
  t.match((await patch(good.id, 0, bytes)).body, { offset: bytes.length, complete: true }, 'the right bytes complete it')
  t.match(await artifactsOf(job.id), [{ name: 'blob.bin', size: bytes.length, sha256: sha256(bytes) }])
})
