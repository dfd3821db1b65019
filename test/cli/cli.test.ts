// The command line as a user runs it: `node bin/fsdfm.js ...` as a subprocess against a running
// service (api and worker in this process, real PostgreSQL, Redis and Python).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { freePort } from '../faults/procs.ts'
import { startTestService, tinySample } from '../helpers.ts'

const svc = await startTestService(t)
const url = svc.baseUrl!
const home = mkdtempSync(join(tmpdir(), 'fsdfm-cli-'))
t.teardown(() => rmSync(home, { recursive: true, force: true }))
const configFile = join(home, 'config.json')
// No FSDFM_URL: commands find the server through `fsdfm login`, as a user's would.
const baseEnv = { ...process.env, FSDFM_CONFIG: configFile, FSDFM_URL: '', FSDFM_TOKEN: '', FORCE_COLOR: '0' }

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Starts `fsdfm <args>`; `done` settles when it exits. */
function start(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const child = spawn(process.execPath, ['bin/fsdfm.js', ...args], { env: { ...baseEnv, ...opts.env }, cwd: process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] })
  const out = { stdout: '', stderr: '' }
  child.stdout.on('data', (d) => (out.stdout += d))
  child.stderr.on('data', (d) => (out.stderr += d))
  child.stdin.end(opts.input ?? '')
  const done = new Promise<Run>((resolve) => child.once('close', (code) => resolve({ code, ...out })))
  return { child, out, done }
}
const fsdfm = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) => start(args, opts).done

const noStackTrace = (t: { notMatch(found: string, wanted: RegExp, message: string): unknown }, r: Run) => t.notMatch(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace')

t.test('login checks the server and saves it; later commands use it', async (t) => {
  const r = await fsdfm(['login', url])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /fsdfm .* at http:\/\/127\.0\.0\.1:\d+/)
  t.match(JSON.parse(readFileSync(configFile, 'utf8')), { url })
  t.equal(statSync(configFile).mode & 0o777, 0o600, 'readable by the user alone')
  const jobs = await fsdfm(['jobs', '--json'])
  t.equal(jobs.code, 0, jobs.stderr)
  t.strictSame(JSON.parse(jobs.stdout).items, [])
})

t.test('--version, per-command --help with an example, and bad flags', async (t) => {
  const version = await fsdfm(['--version'])
  t.equal(version.code, 0)
  t.match(version.stdout, /^fsdfm \d+\.\d+\.\d+/)
  const help = await fsdfm(['logs', '--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /Usage: fsdfm logs \[options\] <id>/)
  t.match(help.stdout, /Examples:\n\s+\$ fsdfm logs -f/)
  const unknown = await fsdfm(['jobs', 'list', '--colour'])
  t.equal(unknown.code, 2, 'a usage error')
  t.match(unknown.stderr, /unknown option '--colour'/)
  noStackTrace(t, unknown)
  const badChoice = await fsdfm(['jobs', '--state', 'sleeping'])
  t.equal(badChoice.code, 2)
  t.match(badChoice.stderr, /Allowed choices are queued, running/)
  const missing = await fsdfm(['submit'])
  t.equal(missing.code, 2)
  t.match(missing.stderr, /required option '-f, --file <path>'/)
})

t.test('an unreachable server: exit 5 and a sentence, no stack trace', async (t) => {
  const closed = `http://127.0.0.1:${await freePort()}` // nothing listens there
  const r = await fsdfm(['jobs', '--url', closed])
  t.equal(r.code, 5)
  t.match(r.stderr, `cannot reach the fsdfm api at ${closed} (ECONNREFUSED)`)
  noStackTrace(t, r)
})

t.test('a 4xx: exit 4, the field paths printed (and as JSON with --json)', async (t) => {
  const bad = JSON.stringify({ kind: 'sample', spec: { steps: 0, solver: 'nope' } })
  const r = await fsdfm(['submit', '-f', '-'], { input: bad })
  t.equal(r.code, 4)
  t.match(r.stderr, /400 invalid_request/)
  t.match(r.stderr, /\/spec\/steps: must be >= 1/)
  t.match(r.stderr, /\/spec\/solver: must be one of "cumulative_scalar", "dfm_euler", "mixture_euler"/)
  noStackTrace(t, r)
  const json = await fsdfm(['submit', '-f', '-', '--json'], { input: bad })
  t.equal(json.code, 4)
  t.strictSame(JSON.parse(json.stdout).error.details.map((d: { path: string }) => d.path).sort(), ['/spec/solver', '/spec/steps'])
  const notYaml = await fsdfm(['submit', '-f', '-'], { input: 'kind: [unclosed' })
  t.equal(notYaml.code, 2)
  t.match(notYaml.stderr, /neither JSON nor YAML/)
})

let sampleId = ''
t.test('submit --follow: progress to the end, the samples, exit 0', async (t) => {
  const yaml = ['kind: sample', 'name: cli sample', 'spec:', ...Object.entries(tinySample().spec).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)].join('\n')
  const r = await fsdfm(['submit', '-f', '-', '--follow'], { input: yaml })
  t.equal(r.code, 0, r.stderr)
  t.match(r.stderr, /job [0-9a-f]{8} running/)
  t.match(r.stderr, /job [0-9a-f]{8} succeeded/)
  t.match(r.stdout, /sample job [0-9a-f-]{36} succeeded/)
  t.match(r.stdout, /--- sample 0\n/)
  sampleId = /sample job ([0-9a-f-]{36})/.exec(r.stdout)![1]
  const got = await fsdfm(['jobs', 'get', sampleId.slice(0, 8), '--json'])
  t.equal(got.code, 0, got.stderr)
  t.match(JSON.parse(got.stdout), { id: sampleId, state: 'succeeded', name: 'cli sample' })
})

t.test('artifacts: list, and get with the checksum checked', async (t) => {
  const list = await fsdfm(['artifacts', sampleId])
  t.equal(list.code, 0, list.stderr)
  t.match(list.stdout, /samples\.txt\s+samples/)
  const file = join(home, 'samples.txt')
  const got = await fsdfm(['artifacts', 'get', sampleId, 'samples.txt', '-o', file])
  t.equal(got.code, 0, got.stderr)
  t.match(got.stdout, /saved .*samples\.txt \(\d+ bytes, sha256 [0-9a-f]{16}… verified\)/)
  const job = await svc.api.get(`/v1/jobs/${sampleId}`)
  t.equal(readFileSync(file, 'utf8').split('\n\n----\n\n')[0], job.body.result.samples[0].text)
  const missing = await fsdfm(['artifacts', 'get', sampleId, 'nope.bin'])
  t.equal(missing.code, 4)
})

t.test('logs -f streams a running job; cancel ends it and logs exits 3', async (t) => {
  const dataset = await svc.api.submit({ kind: 'dataset', spec: { source: 'brown', compactVocab: 256, maxDocuments: 20 } })
  t.equal((await svc.api.waitFor(dataset.id)).state, 'succeeded')
  const spec = { datasetJobId: dataset.id, model: { preset: 'tiny' }, steps: 1_000_000, batchSize: 2, seqLen: 16, logEvery: 5, warmupSteps: 0, checkpointEvery: 1_000_000 }
  const submitted = await fsdfm(['submit', '-f', '-', '--json'], { input: JSON.stringify({ kind: 'pretrain', spec }) })
  t.equal(submitted.code, 0, submitted.stderr)
  const id = JSON.parse(submitted.stdout).id as string
  const logs = start(['logs', '-f', id])
  t.teardown(() => logs.child.kill())
  // A line logged while the job runs reaches the follower before the job ends.
  const deadline = Date.now() + 120_000
  while (!/step \d+\/1000000 loss/.test(logs.out.stdout)) {
    if (Date.now() > deadline) throw new Error(`no step line while running: ${logs.out.stdout}${logs.out.stderr}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  t.equal((await svc.api.get(`/v1/jobs/${id}`)).body.state, 'running', 'lines arrive while the job runs')
  const cancel = await fsdfm(['jobs', 'cancel', id, '--wait'])
  t.equal(cancel.code, 0, cancel.stderr)
  t.match(cancel.stdout, new RegExp(`job ${id} cancelled`))
  const followed = await logs.done
  t.equal(followed.code, 3, 'the follower exits with the code of a cancelled job')
  t.match(followed.stdout, /run .* cancelled/)
  const tail = await fsdfm(['logs', id, '--tail', '1'])
  t.equal(tail.stdout.trim().split('\n').length, 1)
  const csv = await fsdfm(['metrics', id, '--format', 'csv', '--name', 'train/loss'])
  t.equal(csv.code, 0, csv.stderr)
  t.match(csv.stdout, /^step,train\/loss\n5,\d/)
  const names = await fsdfm(['metrics', id, '--names'])
  t.match(names.stdout, /train\/loss\ntrain\/lr/)
})

t.test('jobs rerun --follow runs the spec again; jobs resume says why a sample job does not resume', async (t) => {
  const rerun = await fsdfm(['jobs', 'rerun', sampleId.slice(0, 8), '--follow', '--json'])
  t.equal(rerun.code, 0, rerun.stderr)
  const again = JSON.parse(rerun.stdout)
  t.match(again, { state: 'succeeded', rerunOf: sampleId })
  t.equal((await fsdfm(['jobs', 'rm', again.id])).code, 0, 'removed, so the listing below sees only what it expects')
  const resume = await fsdfm(['jobs', 'resume', sampleId.slice(0, 8)])
  t.equal(resume.code, 4, 'a 4xx: exit 4')
  t.match(resume.stderr, /not_resumable|only pretrain and distill jobs resume/)
})

t.test('workers; jobs rm', async (t) => {
  const workers = await fsdfm(['workers', '--json'])
  t.equal(workers.code, 0, workers.stderr)
  t.ok(JSON.parse(workers.stdout).some((w: { live: boolean; queues: string[] }) => w.live && w.queues.includes('cpu')), 'the in-process worker is live')
  const rm = await fsdfm(['jobs', 'rm', sampleId.slice(0, 8)])
  t.equal(rm.code, 0, rm.stderr)
  t.equal(rm.stdout, `deleted job ${sampleId}\n`)
  t.notOk((await fsdfm(['jobs', '--json'])).stdout.includes(sampleId), 'a deleted job leaves the list')
})

t.test('webhooks add, list, rm', async (t) => {
  // Nothing listens on port 9, and no job event follows here: the webhook only has to be stored.
  const add = await fsdfm(['webhooks', 'add', 'http://127.0.0.1:9/hook', '--project', 'default', '--event', 'job.succeeded,job.failed', '--json'])
  t.equal(add.code, 0, add.stderr)
  const made = JSON.parse(add.stdout)
  t.match(made, { secret: /^whsec_/, webhook: { url: 'http://127.0.0.1:9/hook', events: ['job.succeeded', 'job.failed'], active: true } })
  const list = await fsdfm(['webhooks', 'list', '--project', 'default'])
  t.equal(list.code, 0, list.stderr)
  t.match(list.stdout, made.webhook.id)
  t.notMatch(list.stdout, made.secret, 'the secret is never listed')
  const rm = await fsdfm(['webhooks', 'rm', made.webhook.id, '--project', 'default'])
  t.equal(rm.code, 0, rm.stderr)
  t.equal(rm.stdout, `removed webhook ${made.webhook.id} (http://127.0.0.1:9/hook)\n`)
})

t.test('a token is sent as Authorization: Bearer; `token` prints it; an endpoint a server lacks is named as such', async (t) => {
  // A stand-in for an older server: it lists jobs and has no DELETE route.
  const seen: (string | undefined)[] = []
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization)
    if (req.method === 'DELETE')
      return res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: `no route ${req.method} ${req.url}` } }))
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [], nextCursor: null }))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => server.close())
  const address = server.address()
  const fake = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  t.equal((await fsdfm(['jobs', '--url', fake, '--token', 's3cret'])).code, 0)
  t.strictSame(seen, ['Bearer s3cret'])
  const rm = await fsdfm(['jobs', 'rm', '00000000-0000-4000-8000-000000000000', '--url', fake])
  t.equal(rm.code, 4)
  t.match(rm.stderr, `the server at ${fake} does not offer deleting jobs yet`)
  const none = await fsdfm(['token'])
  t.equal(none.code, 1)
  t.match(none.stderr, /no token is set/)
  const some = await fsdfm(['token'], { env: { FSDFM_TOKEN: 'abc' } })
  t.equal(some.stdout, 'abc\n')
})
