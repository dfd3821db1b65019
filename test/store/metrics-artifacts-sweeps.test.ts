// Metrics, artifacts and sweeps: one file so the suite boots PGlite once for all three.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { hashFile } from '../../src/store/index.ts'
import { forEachBackend } from './fixtures/backends.ts'

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

forEachBackend(async (t, store) => {
  await t.test('metrics', async (t) => {
    const { jobs, metrics, events } = store
    const job = await jobs.create({ kind: 'pretrain', spec: {} })

    await t.test('record, upsert and query', async (t) => {
      const before = (await events.since(0, { jobId: job.id })).length
      t.equal(
        await metrics.record(job.id, [
          { name: 'train/loss', step: 10, value: 3.5 },
          { name: 'train/loss', step: 20, value: 3.0 },
          { name: 'train/lr', step: 10, value: 3e-4 },
          { name: 'train/loss', step: 30, value: 2.5 },
          { name: 'train/loss', step: 30, value: 2.4 }, // duplicate in one batch: the last wins
        ]),
        4,
      )
      // A resumed job re-logs step 30 and goes on.
      t.equal(await metrics.record(job.id, [{ name: 'train/loss', step: 30, value: 2.25 }, { name: 'train/loss', step: 40, value: 2.0 }]), 2)
      t.equal(await metrics.record(job.id, []), 0)

      t.strictSame(await metrics.query(job.id), [
        { name: 'train/loss', points: [{ step: 10, value: 3.5 }, { step: 20, value: 3.0 }, { step: 30, value: 2.25 }, { step: 40, value: 2.0 }] },
        { name: 'train/lr', points: [{ step: 10, value: 3e-4 }] },
      ])
      t.strictSame(await metrics.names(job.id), ['train/loss', 'train/lr'])
      t.strictSame(await metrics.query(job.id, { names: ['train/lr'] }), [{ name: 'train/lr', points: [{ step: 10, value: 3e-4 }] }])
      t.strictSame(await metrics.query(job.id, { names: [] }), [])
      t.strictSame(await metrics.query(job.id, { stepFrom: 20, stepTo: 30 }), [
        { name: 'train/loss', points: [{ step: 20, value: 3.0 }, { step: 30, value: 2.25 }] },
      ])
      t.strictSame(await metrics.query(job.id, { limit: 2 }), [
        { name: 'train/loss', points: [{ step: 10, value: 3.5 }, { step: 20, value: 3.0 }] },
        { name: 'train/lr', points: [{ step: 10, value: 3e-4 }] },
      ], 'limit applies per series')

      const evs = (await events.since(0, { jobId: job.id })).slice(before)
      t.equal(evs.length, 2, 'one metric event per non-empty batch')
      t.strictSame(evs[1], { ...evs[1], type: 'metric', data: { points: [{ name: 'train/loss', step: 30, value: 2.25 }, { name: 'train/loss', step: 40, value: 2.0 }] } })
    })

    await t.test('steps beyond int32, non-finite values, isolation between jobs', async (t) => {
      const other = await jobs.create({ kind: 'pretrain', spec: {} })
      await metrics.record(other.id, [
        { name: 'big', step: 2 ** 40, value: -1.5e300 },
        { name: 'nan', step: 0, value: NaN },
        { name: 'inf', step: 0, value: Infinity },
      ])
      const series = await metrics.query(other.id)
      t.strictSame(series.map((s) => s.name), ['big', 'inf', 'nan'])
      t.strictSame(series[0].points, [{ step: 2 ** 40, value: -1.5e300 }])
      t.equal(series[1].points[0].value, Infinity)
      t.ok(Number.isNaN(series[2].points[0].value))
      t.strictSame(await metrics.names(job.id), ['train/loss', 'train/lr'], 'other job untouched')
      t.strictSame(await metrics.query('nope'), [])
      await t.rejects(metrics.record(other.id, [{ name: 'x', step: 1.5, value: 1 }]), TypeError)
    })
  })

  await t.test('artifacts', async (t) => {
    const { jobs, artifacts } = store
    const dir = t.testdir({ 'samples.json': '{"tokens":[[1,2,3]]}\n', 'empty.log': '' })
    // Larger than one stream chunk (64 KiB), so the hash spans many reads.
    const big = randomBytes(3 * 1024 * 1024 + 17)
    await writeFile(join(dir, 'checkpoint.pt'), big)
    const job = await jobs.create({ kind: 'pretrain', spec: {} })

    await t.test('register computes size and sha256', async (t) => {
      const ckpt = await artifacts.register(job.id, { name: 'checkpoint.pt', kind: 'checkpoint', path: join(dir, 'checkpoint.pt') })
      t.match(ckpt, { jobId: job.id, name: 'checkpoint.pt', kind: 'checkpoint', path: join(dir, 'checkpoint.pt'), size: big.length, sha256: sha(big) })
      const empty = await artifacts.register(job.id, { name: 'empty.log', kind: 'log', path: join(dir, 'empty.log') })
      t.match(empty, { size: 0, sha256: sha('') })
      await artifacts.register(job.id, { name: 'samples.json', kind: 'samples', path: join(dir, 'samples.json') })
      t.strictSame((await artifacts.list(job.id)).map((a) => a.name), ['checkpoint.pt', 'empty.log', 'samples.json'])
      t.strictSame(await artifacts.get(job.id, 'checkpoint.pt'), ckpt)
      t.strictSame(await hashFile(join(dir, 'samples.json')), { size: 21, sha256: sha('{"tokens":[[1,2,3]]}\n') })
    })

    await t.test('re-register replaces the row and keeps the id', async (t) => {
      const before = await artifacts.get(job.id, 'samples.json')
      await writeFile(join(dir, 'samples.json'), 'changed')
      const after = await artifacts.register(job.id, { name: 'samples.json', kind: 'samples', path: join(dir, 'samples.json') })
      t.equal(after.id, before!.id)
      t.match(after, { size: 7, sha256: sha('changed') })
      t.equal((await artifacts.list(job.id)).length, 3)
    })

    await t.test('missing', async (t) => {
      t.equal(await artifacts.get(job.id, 'nope'), null)
      t.equal(await artifacts.get('nope', 'checkpoint.pt'), null)
      t.strictSame(await artifacts.list(randomUUID()), [])
      await t.rejects(artifacts.register(job.id, { name: 'x', kind: 'log', path: join(dir, 'does-not-exist') }), { code: 'ENOENT' })
    })
  })

  await t.test('sweeps', async (t) => {
    const { sweeps, jobs } = store

    await t.test('sweeps and trials', async (t) => {
      const spec = { objective: 'eval/ppl', grid: { lr: [1e-4, 3e-4] } }
      const sweep = await sweeps.create({ spec })
      t.match(sweep, { spec, state: 'running', result: null })
      t.strictSame(await sweeps.get(sweep.id), sweep)
      t.equal(await sweeps.get(randomUUID()), null)

      const job = await jobs.create({ kind: 'pretrain', spec: { lr: 1e-4 }, sweepId: sweep.id })
      t.match(await sweeps.upsertTrial(sweep.id, { trialIndex: 1, params: { lr: 3e-4 }, state: 'pending' }), { trialIndex: 1, jobId: null, objective: null, metrics: null })
      await sweeps.upsertTrial(sweep.id, { trialIndex: 0, params: { lr: 1e-4 }, state: 'running', jobId: job.id })
      const done = await sweeps.upsertTrial(sweep.id, { trialIndex: 0, params: { lr: 1e-4 }, state: 'succeeded', objective: 41.5, metrics: { 'eval/ppl': 41.5 } })
      t.match(done, { sweepId: sweep.id, trialIndex: 0, jobId: job.id, state: 'succeeded', objective: 41.5, metrics: { 'eval/ppl': 41.5 } }, 'omitted jobId kept')
      t.strictSame((await sweeps.listTrials(sweep.id)).map((x) => [x.trialIndex, x.state]), [[0, 'succeeded'], [1, 'pending']])
      t.strictSame((await jobs.list({ sweepId: sweep.id })).items.map((j) => j.id), [job.id])

      const finished = await sweeps.setState(sweep.id, 'succeeded', { best: { trialIndex: 0 } })
      t.match(finished, { state: 'succeeded', result: { best: { trialIndex: 0 } } })
      t.match(await sweeps.setState(sweep.id, 'archived'), { state: 'archived', result: { best: { trialIndex: 0 } } }, 'result kept when omitted')
      t.equal(await sweeps.setState(randomUUID(), 'x'), null)
      t.strictSame(await sweeps.listTrials('nope'), [])
    })
  })
})
