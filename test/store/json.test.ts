// The same values come back from both engines: JSON columns as values, timestamps as ISO
// strings, int8 as numbers, text[] as arrays.
import t from 'tap'
import type { Store } from '../../src/store/index.ts'
import { BACKENDS, ISO, openTestStore } from './fixtures/backends.ts'

const SPEC = {
  text: 'quote " backslash \\ newline \n tab \t unicode é ✓ 😀 <script>',
  numbers: [0, 1, -1, 3.141592653589793, 1e-7, 6.02e23, -2.5e-300, 1.7976931348623157e308, Number.MAX_SAFE_INTEGER],
  nested: { a: { b: { c: [[], {}, [null, true, false, ''], { 'key with space': 1, 'ключ': 2 }] } } },
  empty: {},
  nothing: null,
  bools: [true, false],
}

t.test('round trips are identical on both backends', async (t) => {
  const stores = Object.fromEntries(await Promise.all(BACKENDS.map(async (b) => [b, await openTestStore(t, b)] as const))) as Record<
    (typeof BACKENDS)[number],
    Store
  >
  const out: Record<string, unknown> = {}
  for (const backend of BACKENDS) {
    const { jobs, events, sweeps } = stores[backend]
    const job = await jobs.create({ kind: 'sample', spec: SPEC, tags: ['a,b', 'with "quote"', '{brace}', 'NULL', ''] })
    await jobs.transition(job.id, ['queued'], 'running', { progress: { step: 1, nested: [1, [2, [3]]] } })
    const done = await jobs.transition(job.id, ['running'], 'failed', {
      result: { tokens: [[1, 2], [3]], artifacts: [] },
      error: { code: 'PY', message: 'ValueError: x', type: 'ValueError', frame: 'a.py:1 in f', traceback: 'line1\nline2' },
    })
    const got = (await jobs.get(job.id))!
    t.strictSame(got, done, `${backend}: get equals the transition result`)
    t.strictSame(got.spec, SPEC, `${backend}: spec identical`)
    t.strictSame(got.tags, ['a,b', 'with "quote"', '{brace}', 'NULL', ''], `${backend}: text[] identical`)
    for (const k of ['createdAt', 'startedAt', 'finishedAt', 'updatedAt'] as const) t.match(got[k], ISO, `${backend}: ${k} ISO`)
    // Event data of every JSON shape, arrays and scalars included (pg would send a JS
    // array as a PostgreSQL array literal if the store did not serialise it).
    const datas = [[1, 'two', { three: 3 }], 'a string', 42, true, null, { deep: SPEC }]
    for (const d of datas) await events.append(job.id, 'log', d)
    const evs = await events.since(0, { jobId: job.id, limit: 1000 })
    t.strictSame(evs.slice(-datas.length).map((e) => e.data), datas, `${backend}: event data identical`)
    t.ok(evs.every((e) => typeof e.id === 'number'), `${backend}: event ids are numbers`)
    const sweep = await sweeps.create({ spec: SPEC })
    t.strictSame((await sweeps.get(sweep.id))!.spec, SPEC)

    const strip = (x: Record<string, unknown>) => {
      const { id, jobId, createdAt, startedAt, finishedAt, updatedAt, ...rest } = x
      return rest
    }
    out[backend] = { job: strip(got as unknown as Record<string, unknown>), events: evs.map((e) => [e.type, e.data]) }
  }
  t.strictSame(out.pglite, out.postgres, 'both backends return the same values')
})
