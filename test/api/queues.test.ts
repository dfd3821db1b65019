// /v1/queues against real Redis and workers: depth and oldest wait of jobs no worker takes,
// pause and resume as a worker honours them, 404 for a queue the deployment does not know,
// and who may pause (a superuser) when authentication is on.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import type { Static } from 'typebox'
import type { QueueView as QueueSchema } from '../../src/schemas/views.ts'
import type { Api } from '../helpers.ts'
import { eventually, startTestService, tinySample } from '../helpers.ts'

type QueueView = Static<typeof QueueSchema>

const queue = async (api: Api, name: string): Promise<QueueView> => {
  const res = await api.get<{ items: QueueView[] }>('/v1/queues')
  if (res.status !== 200) throw new Error(`GET /v1/queues answered ${res.status}: ${JSON.stringify(res.body)}`)
  const q = res.body.items.find((x) => x.name === name)
  if (!q) throw new Error(`no queue ${name} in ${JSON.stringify(res.body.items)}`)
  return q
}

t.test('depth and oldest wait of jobs that no worker takes', async (t) => {
  // An api without a worker: submitted jobs stay on their queue.
  const { api, iso } = await startTestService(t, { role: 'api' })
  const before = await api.get<{ items: QueueView[] }>('/v1/queues')
  t.equal(before.status, 200)
  t.strictSame(
    before.body.items.map((q) => q.name),
    ['data', 'cpu'],
    'data and cpu are always listed',
  )
  for (const q of before.body.items) t.strictSame(q, { name: q.name, waiting: 0, running: 0, delayed: 0, oldestWaitSeconds: null, paused: false }, `${q.name} is empty`)

  await api.submit(tinySample())
  await api.submit(tinySample({ seed: 2 }))
  const cpu = await eventually(
    () => queue(api, 'cpu'),
    (q) => q.waiting === 2,
  )
  t.equal(cpu.waiting, 2, 'both jobs wait on cpu')
  t.equal(cpu.running, 0, 'none runs')
  t.ok(cpu.oldestWaitSeconds !== null && cpu.oldestWaitSeconds >= 0, `the oldest has waited ${cpu.oldestWaitSeconds} s`)
  const data = await queue(api, 'data')
  t.equal(data.waiting, 0)
  t.equal(data.oldestWaitSeconds, null, 'an empty queue has no oldest wait')

  // The command line shows the same.
  const fsdfm = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['bin/fsdfm.js', ...args, '--url', api.base], { env: { ...process.env, FSDFM_CONFIG: join(iso.dataDir, 'cli.json'), FSDFM_TOKEN: '' } })
  const listed = JSON.parse((await fsdfm('queues', '--json')).stdout) as QueueView[]
  t.match(listed, [{ name: 'data', waiting: 0 }, { name: 'cpu', waiting: 2 }], '`fsdfm queues --json`')
  t.match((await fsdfm('queues')).stdout, /^cpu\s+2\s+0\s+0\s+\S+\s+no$/m, '`fsdfm queues` as a table')
})

t.test('unknown and malformed queue names', async (t) => {
  const { api } = await startTestService(t, { role: 'api' })
  const unknown = await api.post('/v1/queues/gpu7/pause')
  t.equal(unknown.status, 404)
  t.equal(unknown.body.error.code, 'not_found')
  t.match(unknown.body.error.message, /gpu7/, 'the answer names the queue')
  t.match(unknown.body.error.message, /data, cpu/, 'and the queues it knows')
  t.equal((await api.post('/v1/queues/nope/resume')).status, 404)
  const long = await api.post(`/v1/queues/${'x'.repeat(100)}/pause`)
  t.equal(long.status, 400)
  t.match(long.body.error.details, [{ path: '/params/name' }], 'a name longer than any queue’s is a 400 naming the field')
})

t.test('a paused queue keeps its jobs; resumed, its worker takes them', async (t) => {
  const { api } = await startTestService(t)
  const paused = await api.post<QueueView>('/v1/queues/cpu/pause')
  t.equal(paused.status, 200)
  t.equal(paused.body.paused, true, 'cpu is paused')
  t.equal((await queue(api, 'cpu')).paused, true, 'and listed so')

  const held = await api.submit(tinySample())
  t.equal((await eventually(() => queue(api, 'cpu'), (q) => q.waiting === 1)).waiting, 1, 'the sample job waits on cpu')
  // The worker is live meanwhile: it takes and finishes a job of its other queue (data) ...
  const dataset = await api.waitFor((await api.submit({ kind: 'dataset', spec: { source: 'upload', text: 'one small document\n\nand another one\n' } })).id)
  t.equal(dataset.state, 'succeeded', 'a job on the data queue runs')
  // ... while the job on the paused queue has not started.
  const still = (await api.get(`/v1/jobs/${held.id}`)).body
  t.equal(still.state, 'queued', 'the job on the paused queue is still queued')
  t.equal(still.startedAt, null)
  t.equal((await queue(api, 'cpu')).waiting, 1, 'and still waits on cpu')

  const resumed = await api.post<QueueView>('/v1/queues/cpu/resume')
  t.equal(resumed.status, 200)
  t.equal(resumed.body.paused, false, 'cpu is resumed')
  t.equal((await api.waitFor(held.id)).state, 'succeeded', 'the held job runs once the queue is resumed')
  t.match(await queue(api, 'cpu'), { waiting: 0, running: 0, oldestWaitSeconds: null, paused: false }, 'and the queue is empty')
})

t.test('with authentication on, only a superuser pauses and resumes', async (t) => {
  const ADMIN = 'fsdfm_queues_test_superuser_token'
  const svc = await startTestService(t, { role: 'api', env: { FSDFM_AUTH: 'on', FSDFM_ADMIN_TOKEN: ADMIN, FSDFM_RATE_LIMIT: '0' } })
  const root = svc.api.as(ADMIN)
  t.equal((await root.request('PUT', '/v1/projects/alpha', undefined, undefined, {})).status, 200)
  const made = await root.post('/v1/tokens', { name: 'admin-alpha', grants: [{ project: 'alpha', role: 'admin' }] })
  t.equal(made.status, 201)
  const projectAdmin = svc.api.as(made.body.token)

  const anonymous = await svc.api.post('/v1/queues/cpu/pause')
  t.equal(anonymous.status, 401, 'no token: 401')
  t.equal(anonymous.body.error.code, 'unauthorized')
  const refused = await projectAdmin.post('/v1/queues/cpu/pause')
  t.equal(refused.status, 403, 'a project admin: 403')
  t.equal(refused.body.error.code, 'forbidden')
  t.equal((await projectAdmin.post('/v1/queues/cpu/resume')).status, 403, 'resume too')
  t.equal((await projectAdmin.get('/v1/queues')).status, 200, 'any token reads the queues')
  t.equal((await svc.api.get('/v1/queues')).status, 401, 'no token reads nothing')
  t.equal((await queue(root, 'cpu')).paused, false, 'the refused pause changed nothing')

  t.equal((await root.post<QueueView>('/v1/queues/cpu/pause')).body.paused, true, 'the superuser pauses')
  t.equal((await root.post<QueueView>('/v1/queues/cpu/resume')).body.paused, false, 'and resumes')
})
