// The store: one database handle, migrated on open, and a repository per table family.
import { ArtifactsRepo } from './artifacts.ts'
import { openDb, type Db, type OpenDbOptions } from './db.ts'
import { EventsRepo } from './events.ts'
import { JobsRepo } from './jobs.ts'
import { MetricsRepo } from './metrics.ts'
import { migrate } from './migrations.ts'
import { OutboxRepo } from './outbox.ts'
import { ProjectsRepo } from './projects.ts'
import { TokensRepo } from './tokens.ts'
import { StatsRepo } from './stats.ts'
import { SweepsRepo } from './sweeps.ts'
import { UploadsRepo } from './uploads.ts'
import { WorkersRepo } from './workers.ts'
import { WebhooksRepo } from './webhooks.ts'

export interface Store {
  db: Db
  jobs: JobsRepo
  events: EventsRepo
  metrics: MetricsRepo
  artifacts: ArtifactsRepo
  sweeps: SweepsRepo
  outbox: OutboxRepo
  workers: WorkersRepo
  uploads: UploadsRepo
  tokens: TokensRepo
  projects: ProjectsRepo
  webhooks: WebhooksRepo
  /** Read-only aggregates for monitoring. */
  stats: StatsRepo
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
  return storeOf(db)
}

/** The repositories over an open (and migrated) database. */
export function storeOf(db: Db): Store {
  return {
    db,
    jobs: new JobsRepo(db),
    events: new EventsRepo(db),
    metrics: new MetricsRepo(db),
    artifacts: new ArtifactsRepo(db),
    sweeps: new SweepsRepo(db),
    outbox: new OutboxRepo(db),
    workers: new WorkersRepo(db),
    uploads: new UploadsRepo(db),
    tokens: new TokensRepo(db),
    projects: new ProjectsRepo(db),
    webhooks: new WebhooksRepo(db),
    stats: new StatsRepo(db),
    close: () => db.close(),
  }
}

export { openDb, isStoreUnavailable, type Db, type OpenDbOptions, type QueryResult } from './db.ts'
export { migrate, MIGRATIONS, type Migration } from './migrations.ts'
export { JobsRepo, InvalidCursorError, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './jobs.ts'
export { EventsRepo, appendEvent, type EventsSinceOptions } from './events.ts'
export { MetricsRepo } from './metrics.ts'
export { ArtifactsRepo, hashArtifact, hashFile, type ArtifactInput, type HashedArtifact } from './artifacts.ts'
export { OutboxRepo, addToOutbox, type Dispatchable } from './outbox.ts'
export { WorkersRepo, type WorkerRecord, type WorkerRegistration } from './workers.ts'
export { UploadsRepo, type Upload } from './uploads.ts'
export { TokensRepo, hashToken, newToken, ROLES, type Grant, type Role, type TokenRecord } from './tokens.ts'
export { ProjectsRepo, type Project } from './projects.ts'
export { WebhooksRepo, addDeliveries, newWebhookSecret, type Webhook, type WebhookDelivery, type ClaimedDelivery, type AttemptOutcome, type WebhookInsert } from './webhooks.ts'
export { assertFence, fenced } from './fence.ts'
export { SweepsRepo, type SweepInsert, type TrialUpsert } from './sweeps.ts'
export * from './types.ts'
