// Signed webhooks (issue 16): a real receiver on a local port that checks every signature and
// timestamp and answers 500 twice before it takes a delivery; a real job run by the service's
// worker; the delivery log read over the api; the Python client's verify_webhook on the same
// bytes; and the store's claim, which must hand a delivery whose sender died to another.
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { FsdfmClient } from '../../src/client/index.ts'
import { signWebhook, verifyWebhook } from '../../src/client/webhooks.ts'
import { openStore } from '../../src/store/index.ts'
import { eventually, isolate, startTestService, TEST_DATABASE_URL } from '../helpers.ts'
import type { WebhookDeliveryView } from '../../src/schemas/webhooks.ts'

const run = promisify(execFile)
const ADMIN = 'fsdfm_webhooks_test_superuser_token'
const PROJECT = 'hooks'
const svc = await startTestService(t, {
  env: { FSDFM_AUTH: 'on', FSDFM_ADMIN_TOKEN: ADMIN, FSDFM_WEBHOOK_BACKOFF_MS: '50', FSDFM_WEBHOOK_TIMEOUT_MS: '5000' },
})
const root = svc.api.as(ADMIN)
if ((await root.request('PUT', `/v1/projects/${PROJECT}`, undefined, undefined, {})).status !== 200) throw new Error('project')
const tokenFor = async (name: string, role: string) => {
  const res = await root.request('POST', '/v1/tokens', undefined, undefined, { name, grants: [{ project: PROJECT, role }] })
  if (res.status !== 201) throw new Error(JSON.stringify(res.body))
  return svc.api.as(res.body.token as string)
}
const admin = await tokenFor('hooks-admin', 'admin')
const client = new FsdfmClient({ url: svc.baseUrl!, token: admin.opts.token })
const member = await tokenFor('hooks-member', 'member')

// The receiver: every request as it came (raw bytes and headers), whether it verified at arrival
// time, and a 500 for the first two tries of each delivery id.
interface Received {
  headers: IncomingHttpHeaders
  body: string
  verified: boolean
  status: number
}
const received: Received[] = []
let secret = ''
const tries = new Map<string, number>()
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8')
    const verified = verifyWebhook(secret, req.headers['fsdfm-signature'], body).ok
    const id = String(req.headers['fsdfm-delivery'])
    const n = (tries.get(id) ?? 0) + 1
    tries.set(id, n)
    const status = !verified ? 401 : n <= 2 ? 500 : 200
    received.push({ headers: req.headers, body, verified, status })
    res.writeHead(status).end()
  })
})
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
t.teardown(() => new Promise<void>((resolve) => receiver.close(() => resolve())))
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/fsdfm`

t.test('only a project admin adds webhooks, and only http(s) URLs', async (t) => {
  const refused = await member.post(`/v1/projects/${PROJECT}/webhooks`, { url: hookUrl })
  t.equal(refused.status, 403, 'a member may not')
  t.equal((await member.get(`/v1/projects/${PROJECT}/webhooks`)).status, 403, 'nor list them')
  for (const url of ['ftp://example.org/x', 'not a url', 'file:///etc/passwd']) {
    const bad = await admin.post(`/v1/projects/${PROJECT}/webhooks`, { url })
    t.equal(bad.status, 400, `${url}: 400`)
    t.strictSame(bad.body.error.details.map((d: { path: string }) => d.path), ['/url'], 'naming the field')
  }
  const badEvent = await admin.post(`/v1/projects/${PROJECT}/webhooks`, { url: hookUrl, events: ['job.exploded'] })
  t.equal(badEvent.status, 400)
  t.match(badEvent.body.error.details[0].path, /^\/events/)
  t.equal((await admin.get(`/v1/projects/${PROJECT}/webhooks`)).body.items.length, 0, 'nothing was stored')
})

t.test('a job’s success is delivered signed, retried with the same id until the receiver takes it', async (t) => {
  const made = await admin.post(`/v1/projects/${PROJECT}/webhooks`, { url: hookUrl, events: ['job.succeeded'], description: 'ci' })
  t.equal(made.status, 201)
  secret = made.body.secret
  const hook = made.body.webhook
  t.match(secret, /^whsec_/, 'the secret comes once')
  const listed = await admin.get(`/v1/projects/${PROJECT}/webhooks`)
  t.strictSame(listed.body.items.map((w: { id: string }) => w.id), [hook.id])
  t.notOk(JSON.stringify(listed.body).includes(secret), 'and is never listed')

  // The cheapest job there is: a dataset tokenised from a small inline text.
  const job = await member.submit({ kind: 'dataset', project: PROJECT, spec: { source: 'upload', text: 'the first document\n\nthe second document\n', compactVocab: 16 } })
  t.equal((await member.waitFor(job.id, ['succeeded', 'failed'], 60_000)).state, 'succeeded')

  // Waited for through the TypeScript client; then read again through the checked api helper.
  await eventually(() => client.webhookDeliveries(PROJECT, hook.id), (items) => items.length > 0 && items[0].state !== 'pending')
  const log: WebhookDeliveryView[] = (await admin.get(`/v1/projects/${PROJECT}/webhooks/${hook.id}/deliveries`)).body.items
  t.equal(log.length, 1, 'one delivery: the hook subscribed to job.succeeded only')
  const [delivery] = log
  t.match(delivery, { event: 'job.succeeded', jobId: job.id, state: 'delivered', attempts: 3, nextAttemptAt: null, deliveredAt: String })
  t.strictSame(delivery.log.map((a) => a.status), [500, 500, 200], 'three attempts in the log')
  t.match(delivery.log[0].error, /500/)
  t.equal(delivery.log[2].error, null)

  // The command line reads the same log (a subprocess: the service runs in this process).
  const cli = await run(process.execPath, ['bin/fsdfm.js', 'webhooks', 'deliveries', hook.id, '--project', PROJECT, '--url', svc.baseUrl!, '--token', admin.opts.token!, '--json'], {
    env: { ...process.env, FSDFM_CONFIG: '/nonexistent/fsdfm.json' },
  })
  t.match(JSON.parse(cli.stdout), [{ id: delivery.id, state: 'delivered', attempts: 3 }], 'fsdfm webhooks deliveries')

  const mine = received.filter((r) => r.headers['fsdfm-delivery'] === delivery.id)
  t.equal(mine.length, 3, 'the receiver saw every attempt')
  t.ok(mine.every((r) => r.verified), 'each signature verified at arrival, within 5 minutes')
  t.ok(mine.every((r) => r.body === mine[0].body), 'the same body each time')
  t.ok(mine.every((r) => r.headers['fsdfm-event'] === 'job.succeeded' && r.headers['content-type'] === 'application/json'))
  t.equal(received.length, 3, 'no other event reached it')

  const body = JSON.parse(mine[0].body)
  t.match(body, { id: delivery.id, type: 'job.succeeded', project: PROJECT, data: { from: 'running', to: 'succeeded' }, job: { id: job.id, kind: 'dataset', state: 'succeeded', project: PROJECT } })
  t.notOk('fence' in body.job || 'heartbeatAt' in body.job, 'the job as the api shows it, not the row')
  for (const dir of [svc.config.dataDir, svc.config.artifactDir, '<artifacts>']) t.notOk(mine[0].body.includes(dir), `no server path (${dir}) in the body`)

  // What a receiver must refuse.
  const header = mine[0].headers['fsdfm-signature'] as string
  const signedAt = Number(/t=(\d+)/.exec(header)![1]) * 1000
  t.equal(verifyWebhook(secret, header, mine[0].body, signedAt).ok, true)
  t.match(verifyWebhook(secret, header, mine[0].body.replace('"succeeded"', '"failed"'), signedAt), { ok: false, reason: /does not match/ }, 'a tampered body fails')
  t.match(verifyWebhook('whsec_other', header, mine[0].body, signedAt), { ok: false }, 'another secret fails')
  t.match(verifyWebhook(secret, header, mine[0].body, signedAt + 301_000), { ok: false, reason: /timestamp/ }, 'a replay after 5 minutes fails')
  t.match(verifyWebhook(secret, signWebhook(secret, mine[0].body, signedAt / 1000 - 301), mine[0].body, signedAt), { ok: false, reason: /timestamp/ }, 'an old timestamp re-signed for the same body fails')

  // The Python client checks the same bytes the same way, and reads the log through its methods.
  const python = `
import json, sys
from fsdfm_client import Client, verify_webhook, WebhookSignatureError
a = json.load(sys.stdin)
out = []
for body, now in ((a["body"], a["now"]), (a["body"].replace('"succeeded"', '"failed"'), a["now"]), (a["body"], a["now"] + 301)):
    try:
        out.append(verify_webhook(a["secret"], a["header"], body.encode("utf-8"), now=now))
    except WebhookSignatureError as err:
        out.append(str(err))
client = Client(a["url"], token=a["token"])
out.append([w["id"] for w in client.webhooks(a["project"])])
out.append([(d["id"], d["attempts"]) for d in client.webhook_deliveries(a["project"], a["hook"], state="delivered")])
print(json.dumps(out))
`
  const child = spawn(process.env.PYTHON_BIN || '/usr/bin/python3', ['-c', python], { env: { ...process.env, PYTHONPATH: 'python/client' } })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d))
  child.stderr.on('data', (d: Buffer) => (out += d))
  child.stdin.end(JSON.stringify({ secret, header, body: mine[0].body, now: signedAt / 1000, url: svc.baseUrl, token: admin.opts.token, project: PROJECT, hook: hook.id }))
  t.equal(await new Promise((resolve) => child.once('close', resolve)), 0, out)
  const [genuine, tampered, replayed, hooks, delivered] = JSON.parse(out)
  t.equal(genuine, signedAt / 1000, 'python: genuine')
  t.match(tampered, /does not match/, 'python: tampered')
  t.match(replayed, /timestamp/, 'python: replayed')
  t.strictSame(hooks, [hook.id], 'python: webhooks()')
  t.strictSame(delivered, [[delivery.id, 3]], 'python: webhook_deliveries()')

  // Redelivery: the same id and body again, logged as a fourth attempt.
  const again = await admin.post(`/v1/projects/${PROJECT}/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`)
  t.equal(again.status, 202)
  const redone = await eventually(
    async () => (await admin.get(`/v1/projects/${PROJECT}/webhooks/${hook.id}/deliveries`)).body.items[0],
    (d: WebhookDeliveryView) => d.state === 'delivered',
  )
  t.equal(redone.attempts, 4)
  t.equal(received.length, 4)
  t.equal(received[3].body, mine[0].body, 'the same body')
  t.equal(received[3].headers['fsdfm-delivery'], delivery.id, 'the same delivery id')

  t.equal((await member.request('DELETE', `/v1/projects/${PROJECT}/webhooks/${hook.id}`)).status, 403, 'a member cannot remove it')
  t.equal((await admin.request('DELETE', `/v1/projects/${PROJECT}/webhooks/${hook.id}`)).status, 200)
  t.equal((await admin.get(`/v1/projects/${PROJECT}/webhooks/${hook.id}/deliveries`)).status, 404, 'its log went with it')
})

t.test('the store: a delivery rides in the event’s transaction, and a claim whose sender died is taken again', async (t) => {
  const iso = isolate(t)
  const store = await openStore({ url: TEST_DATABASE_URL, schema: iso.schema })
  t.teardown(() => store.close())
  await store.webhooks.create({ project: 'default', url: 'http://127.0.0.1:9/', events: ['job.queued'] })
  // A transaction that fails after its event rolls the delivery back with it.
  await t.rejects(store.db.tx(async (tx) => {
    const { JobsRepo } = await import('../../src/store/jobs.ts')
    await new JobsRepo(tx).create({ kind: 'sample', spec: {} })
    throw new Error('crash before commit')
  }))
  t.equal((await store.db.query('select * from webhook_deliveries')).rows.length, 0, 'no delivery without its event')
  for (let i = 0; i < 4; i++) await store.jobs.create({ kind: 'sample', spec: {} })
  t.equal((await store.db.query('select * from webhook_deliveries')).rows.length, 4, 'one delivery per committed event')

  // Two deliverers at once take disjoint deliveries (for update skip locked).
  const [a, b] = await Promise.all([store.webhooks.claimDue(2, 1500), store.webhooks.claimDue(2, 1500)])
  const ids = [...a, ...b].map((d) => d.id)
  t.equal(new Set(ids).size, ids.length, 'no delivery claimed twice')
  t.equal(ids.length, 4)
  t.equal((await store.webhooks.claimDue(10, 1500)).length, 0, 'held while their attempts run')
  // Their sender dies without recording anything: after the lease they are due again (each
  // claim's lease ends on its own, so they may come back in more than one batch).
  const retaken = new Map<string, number>()
  await eventually(
    async () => {
      for (const d of await store.webhooks.claimDue(10, 60_000)) retaken.set(d.id, d.attempt)
      return retaken.size
    },
    (n) => n === 4,
    10_000,
  )
  t.strictSame([...retaken.keys()].sort(), [...ids].sort(), 'all taken again once their claims ran out')
  t.ok([...retaken.values()].every((attempt) => attempt === 2), 'as their second attempt')
})
