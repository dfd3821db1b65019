import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { MIGRATIONS, migrate, openDb, openStore, type Db } from '../../src/store/index.ts'
import { dropSchema, PG_URL, pgliteTemplate, randomSchema } from './fixtures/backends.ts'

const TABLES = ['artifacts', 'idempotency_keys', 'job_events', 'job_outbox', 'jobs', 'metrics', 'projects', 'schema_migrations', 'sweep_trials', 'sweeps', 'tokens', 'uploads', 'webhook_attempts', 'webhook_deliveries', 'webhooks', 'workers']
const LATEST = MIGRATIONS.map((m) => m.version)

async function tablesIn(db: Db, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = $1 order by table_name`,
    [schema],
  )
  return rows.map((r) => r.table_name)
}

t.test('pglite: migrates an empty database once, into the chosen schema', async (t) => {
  const db = await openDb({ dataDir: 'memory://', schema: 'fsdfm' })
  t.teardown(() => db.close())
  t.equal(db.kind, 'pglite')
  t.strictSame(await migrate(db), LATEST)
  t.strictSame(await migrate(db), [], 'second run applies nothing')
  t.strictSame(await tablesIn(db, 'fsdfm'), TABLES)
  t.strictSame(await tablesIn(db, 'public'), [])
  const { rows } = await db.query<{ version: number }>('select version from schema_migrations order by version')
  t.strictSame(rows.map((r) => r.version), LATEST)
})

t.test('pglite: data persists in the data directory', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'fsdfm-pglite-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  await cp(await pgliteTemplate(), dataDir, { recursive: true })
  const first = await openStore({ dataDir })
  const job = await first.jobs.create({ kind: 'dataset', spec: { source: 'brown' }, tags: ['kept'] })
  await first.close()
  const second = await openStore({ dataDir })
  t.teardown(() => second.close())
  t.strictSame(await second.jobs.get(job.id), job)
})

t.test('postgres: concurrent migrations and openStore calls do not race', async (t) => {
  const schemas = [randomSchema(), randomSchema()]
  t.teardown(async () => {
    for (const s of schemas) await dropSchema(s)
  })

  const [a, b] = await Promise.all([openDb({ url: PG_URL, schema: schemas[0] }), openDb({ url: PG_URL, schema: schemas[0] })])
  t.teardown(() => Promise.all([a.close(), b.close()]))
  t.equal(a.kind, 'postgres')
  const applied = await Promise.all([migrate(a), migrate(b)])
  t.strictSame(applied.map((v) => v.length).sort(), [0, LATEST.length], 'exactly one process applied the migrations')
  t.strictSame(await migrate(a), [])
  t.strictSame(await tablesIn(a, schemas[0]), TABLES)

  // Two api processes starting together on a schema that does not exist yet.
  const stores = await Promise.all([1, 2, 3].map(() => openStore({ url: PG_URL, schema: schemas[1], poolSize: 2 })))
  t.teardown(() => Promise.all(stores.map((s) => s.close())))
  const job = await stores[0].jobs.create({ kind: 'sample', spec: {} })
  t.strictSame(await stores[2].jobs.get(job.id), job, 'all see the same schema')
  const { rows } = await stores[1].db.query<{ n: number }>('select count(*)::int as n from schema_migrations')
  t.equal(rows[0].n, LATEST.length)
  t.strictSame(await tablesIn(stores[1].db, schemas[1]), TABLES)
})

t.test('rejects unsafe schema names', async (t) => {
  await t.rejects(openDb({ url: PG_URL, schema: 'x"; drop table jobs; --' }), /invalid schema name/)
})
