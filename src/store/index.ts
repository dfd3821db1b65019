// The store: one database handle, migrated on open, and a repository per table family.
import { ArtifactsRepo } from './artifacts.ts'
import { openDb, type Db, type OpenDbOptions } from './db.ts'
import { EventsRepo } from './events.ts'
import { JobsRepo } from './jobs.ts'
import { MetricsRepo } from './metrics.ts'
import { migrate } from './migrations.ts'
import { SweepsRepo } from './sweeps.ts'

export interface Store {
  db: Db
  jobs: JobsRepo
  events: EventsRepo
  metrics: MetricsRepo
  artifacts: ArtifactsRepo
  sweeps: SweepsRepo
  close(): Promise<void>
}

export type StoreOptions = OpenDbOptions

/** Opens the database (PostgreSQL when opts.url, else PGlite) and applies pending migrations. */
export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  const db = await openDb(opts)
  try {
    await migrate(db)
  } catch (err) {
    await db.close()
    throw err
  }
  return {
    db,
    jobs: new JobsRepo(db),
    events: new EventsRepo(db),
    metrics: new MetricsRepo(db),
    artifacts: new ArtifactsRepo(db),
    sweeps: new SweepsRepo(db),
    close: () => db.close(),
  }
}

export { openDb, type Db, type OpenDbOptions, type QueryResult } from './db.ts'
export { migrate, MIGRATIONS, type Migration } from './migrations.ts'
export { JobsRepo, InvalidCursorError, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './jobs.ts'
export { EventsRepo, appendEvent, type EventsSinceOptions } from './events.ts'
export { MetricsRepo } from './metrics.ts'
export { ArtifactsRepo, hashFile, type ArtifactInput } from './artifacts.ts'
export { SweepsRepo, type SweepInsert, type TrialUpsert } from './sweeps.ts'
export * from './types.ts'
