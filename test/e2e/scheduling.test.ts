// Scheduling: priorities within a queue, and jobs only on workers with the GPUs they ask for.
import t from 'tap'
import { queueFor, computeQueueFor } from '../../src/queue/index.ts'
import { startTestService, tinySample } from '../helpers.ts'

t.test('queue routing by kind and GPUs', async (t) => {
  t.equal(queueFor('dataset', 2), 'data')
  t.equal(queueFor('sample', 0), 'cpu')
  t.equal(queueFor('pretrain', 1), 'gpu1')
  t.equal(queueFor('distill', 2), 'gpu2')
  t.equal(computeQueueFor([]), 'cpu')
  t.equal(computeQueueFor([1, 2]), 'gpu2')
})

t.test('an urgent sample job starts before queued training jobs of lower priority; GPU jobs wait for a GPU worker', async (t) => {
  const svc = await startTestService(t)
  const { api } = svc
  const dataset = await api.waitFor((await api.submit({ kind: 'dataset', spec: { source: 'brown', maxDocuments: 10, compactVocab: 64 } })).id)
  const train = { datasetJobId: dataset.id, seqLen: 16, batchSize: 4, steps: 3, checkpointEvery: 3 }
  // Keep the worker busy so the next jobs wait in the queue together.
  const blocker = await api.submit({ kind: 'pretrain', spec: { ...train, steps: 100_000, checkpointEvery: 100_000 } })
  await api.waitFor(blocker.id, ['running'])
  // Only CPU workers exist: a GPU job is refused at the door, naming the field.
  const refused = await api.post('/v1/jobs', { ...tinySample(), gpus: 1 })
  t.equal(refused.status, 400)
  t.match(refused.body.error.details, [{ path: '/gpus', message: /no worker serves jobs with 1 GPU/ }])
  // A GPU worker that registered once (and is down now): the job is taken, and says why it waits.
  await svc.store.workers.register({ name: 'gpu-box', host: 'elsewhere', queues: ['data', 'gpu1'], gpus: 1, memoryBytes: 80 * 2 ** 30 })
  await svc.store.workers.stopped('gpu-box')
  await new Promise((r) => setTimeout(r, 2100)) // the api reads the registry at most every 2 s
  const gpuJob = await api.submit({ ...tinySample(), gpus: 1 })
  t.match(gpuJob.unschedulable, /no live worker serves queue gpu1/)
  const slow1 = await api.submit({ kind: 'pretrain', spec: train })
  const slow2 = await api.submit({ kind: 'pretrain', spec: train })
  const urgent = await api.submit({ ...tinySample(), priority: 1 })
  // Free the worker only once all three wait on the queue together (the dispatcher moves
  // them there from the store a moment after they are stored): priority decides among them.
  const cpu = svc.queues.get('cpu')
  for (let i = 0; i < 200 && !(await Promise.all([slow1, slow2, urgent].map((j) => cpu.getJob(j.id)))).every(Boolean); i++) await new Promise((r) => setTimeout(r, 50))
  await api.post(`/v1/jobs/${blocker.id}/cancel`)
  const [u, s1, s2] = [await api.waitFor(urgent.id), await api.waitFor(slow1.id), await api.waitFor(slow2.id)]
  for (const j of [u, s1, s2]) t.equal(j.state, 'succeeded', JSON.stringify(j.error))
  t.ok(u.startedAt! < s1.startedAt! && u.startedAt! < s2.startedAt!, 'the urgent job started first')
  t.ok(s1.startedAt! < s2.startedAt!, 'equal priorities run in submission order')
  const g = (await api.get(`/v1/jobs/${gpuJob.id}`)).body
  t.equal(g.state, 'queued', 'no CPU worker takes a job that asked for a GPU')
  t.match(g.unschedulable, /no live worker serves queue gpu1/, 'and the job says so')
  t.equal(await svc.queues.get('gpu1').getWaitingCount() + (await svc.queues.get('gpu1').getPrioritizedCount()), 1)
})
