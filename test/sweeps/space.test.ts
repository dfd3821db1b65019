// Trial plans: grid enumeration order, reproducible seeded draws, bounds of every domain, and
// dotted paths checked against the job spec schemas.
import t from 'tap'
import { applyParams, checkDomain, checkSpecPath, drawTrial, enumerateGrid, gridSize, planTrials, rng } from '../../src/sweeps/space.ts'
import { trialJobId } from '../../src/sweeps/service.ts'

t.test('a grid enumerates the cartesian product, first path slowest', async (t) => {
  const space = { lr: { grid: [1e-3, 1e-4] }, 'model.hidden': { grid: [32, 64, 128] } }
  t.equal(gridSize(space), 6)
  t.strictSame(enumerateGrid(space), [
    { lr: 1e-3, 'model.hidden': 32 },
    { lr: 1e-3, 'model.hidden': 64 },
    { lr: 1e-3, 'model.hidden': 128 },
    { lr: 1e-4, 'model.hidden': 32 },
    { lr: 1e-4, 'model.hidden': 64 },
    { lr: 1e-4, 'model.hidden': 128 },
  ])
  t.equal(planTrials(space, 'grid', 0, 4).length, 4, 'maxTrials cuts the grid')
  t.strictSame(enumerateGrid({ stepSizes: { grid: [[0.5, 0.5], [1]] } }), [{ stepSizes: [0.5, 0.5] }, { stepSizes: [1] }], 'values may be lists')
})

t.test('random draws are reproducible per (seed, trial) and independent of key order', async (t) => {
  const space = { lr: { logUniform: [1e-5, 1e-1] }, steps: { int: [2, 16] }, solver: { choice: ['a', 'b', 'c'] }, temperature: { uniform: [0.5, 1.5] } }
  const reordered = { temperature: space.temperature, solver: space.solver, steps: space.steps, lr: space.lr }
  const a = planTrials(space, 'random', 7, 20)
  t.strictSame(planTrials(space, 'random', 7, 20), a, 'same seed, same trials')
  t.strictSame(planTrials(reordered, 'random', 7, 20).map((p) => JSON.stringify(Object.entries(p).sort())), a.map((p) => JSON.stringify(Object.entries(p).sort())))
  t.strictSame(drawTrial(space, 7, 13), a[13], 'trial k does not depend on the trials before it')
  t.notSame(planTrials(space, 'random', 8, 20), a, 'another seed, other trials')
  t.equal(new Set(a.map((p) => p.lr)).size, 20, 'continuous draws differ')
})

t.test('every draw stays inside its domain; log-uniform covers its decades evenly', async (t) => {
  const draws = planTrials({ lr: { logUniform: [1e-6, 1e-2] }, n: { int: [3, 5] }, u: { uniform: [-1, 1] }, c: { choice: [1, 2] } }, 'random', 1, 4000)
  const lrs = draws.map((d) => d.lr as number)
  t.ok(lrs.every((v) => v >= 1e-6 && v <= 1e-2), 'log-uniform within [lo, hi]')
  const decades = [0, 0, 0, 0]
  for (const v of lrs) decades[Math.min(3, Math.floor(Math.log10(v) + 6))]++
  t.ok(decades.every((n) => n > 800 && n < 1200), `about 1000 per decade: ${decades}`)
  const ns = new Set(draws.map((d) => d.n))
  t.strictSame([...ns].sort(), [3, 4, 5], 'int includes both ends')
  t.ok(draws.every((d) => (d.u as number) >= -1 && (d.u as number) < 1))
  t.strictSame(new Set(draws.map((d) => d.c)), new Set([1, 2]))
  const next = rng(0, 0)
  for (let i = 0; i < 1000; i++) {
    const u = next()
    if (u < 0 || u >= 1) t.fail(`rng out of [0, 1): ${u}`)
  }
})

t.test('domains are checked against the method and their bounds', async (t) => {
  t.strictSame(checkDomain({ grid: [1] }, 'grid'), [])
  t.match(checkDomain({ grid: [1] }, 'random'), [/need method grid/])
  t.match(checkDomain({ uniform: [0, 1] }, 'grid'), [/grid values only/])
  t.match(checkDomain({ uniform: [2, 1] }, 'random'), [/above the upper bound/])
  t.match(checkDomain({ logUniform: [0, 1] }, 'random'), [/positive/])
  t.match(checkDomain({ int: [0.5, 3] }, 'random'), [/integers/])
})

t.test('dotted paths must name fields of the spec schema', async (t) => {
  t.equal(checkSpecPath('distill', 'lr'), null)
  t.equal(checkSpecPath('pretrain', 'model.hidden'), null)
  t.equal(checkSpecPath('sample', 'temperature'), null)
  t.match(checkSpecPath('distill', 'learningRate'), /learningRate is not a field of the distill spec/)
  t.match(checkSpecPath('pretrain', 'model.width'), /width is not a field of model/)
  t.match(checkSpecPath('pretrain', 'lr.value'), /value is not a field of lr/)
  const base = { lr: 1, model: { preset: 'tiny' } }
  t.strictSame(applyParams(base, { lr: 2, 'model.hidden': 32 }), { lr: 2, model: { preset: 'tiny', hidden: 32 } })
  t.strictSame(base, { lr: 1, model: { preset: 'tiny' } }, 'the base is left alone')
})

t.test('trial job ids are stable, distinct UUIDs', async (t) => {
  const id = '0b7c3c52-7f7e-4b8e-9a55-2f1f9e3c1d11'
  t.equal(trialJobId(id, 3), trialJobId(id, 3))
  t.not(trialJobId(id, 3), trialJobId(id, 4))
  t.match(trialJobId(id, 3), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
})
