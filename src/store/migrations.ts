// Ordered, append-only schema migrations. Never edit a migration that has shipped: add one.
// Each migration is a list of single statements (PGlite's extended protocol runs one
// statement per call). Timestamps are timestamptz(3): millisecond precision, so the ISO
// strings the repositories hand out (and the list cursor) compare exactly with the column.
import type { Db } from './db.ts'

export interface Migration {
  version: number
  name: string
  statements: string[]
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'jobs, events, metrics, artifacts, sweeps',
    statements: [
      `create table jobs (
        id uuid primary key,
        kind text not null,
        state text not null,
        name text,
        spec jsonb not null default '{}',
        priority integer not null default 50,
        gpus integer not null default 0,
        tags text[] not null default '{}',
        attempt integer not null default 0,
        worker text,
        device text,
        progress jsonb,
        result jsonb,
        error jsonb,
        parent_id uuid,
        sweep_id uuid,
        created_at timestamptz(3) not null default now(),
        started_at timestamptz(3),
        finished_at timestamptz(3),
        updated_at timestamptz(3) not null default now(),
        cancel_requested boolean not null default false
      )`,
      `create index jobs_state_idx on jobs (state)`,
      `create index jobs_kind_idx on jobs (kind)`,
      `create index jobs_created_idx on jobs (created_at, id)`,
      `create index jobs_tags_idx on jobs using gin (tags)`,
      `create index jobs_sweep_idx on jobs (sweep_id) where sweep_id is not null`,
      `create index jobs_parent_idx on jobs (parent_id) where parent_id is not null`,

      `create table job_events (
        id bigserial primary key,
        job_id uuid not null references jobs (id) on delete cascade,
        type text not null check (type in ('state', 'progress', 'metric', 'log')),
        data jsonb,
        created_at timestamptz(3) not null default now()
      )`,
      `create index job_events_job_idx on job_events (job_id, id)`,

      `create table metrics (
        job_id uuid not null references jobs (id) on delete cascade,
        name text not null,
        step bigint not null,
        value double precision not null,
        created_at timestamptz(3) not null default now(),
        primary key (job_id, name, step)
      )`,

      `create table artifacts (
        id uuid primary key,
        job_id uuid not null references jobs (id) on delete cascade,
        name text not null,
        kind text not null,
        path text not null,
        size bigint not null,
        sha256 text not null,
        created_at timestamptz(3) not null default now(),
        unique (job_id, name)
      )`,

      `create table sweeps (
        id uuid primary key,
        spec jsonb not null,
        state text not null,
        result jsonb,
        created_at timestamptz(3) not null default now(),
        updated_at timestamptz(3) not null default now()
      )`,
      `create table sweep_trials (
        sweep_id uuid not null references sweeps (id) on delete cascade,
        trial_index integer not null,
        job_id uuid,
        params jsonb not null,
        state text not null,
        objective double precision,
        metrics jsonb,
        updated_at timestamptz(3) not null default now(),
        primary key (sweep_id, trial_index)
      )`,
    ],
  },
  {
    version: 2,
    name: 'fencing, outbox, workers, uploads',
    statements: [
      // fence: incremented each time a worker takes the job; every write a worker makes carries
      // it and the store refuses a superseded one. heartbeat_at: the holder's last sign of life.
      `alter table jobs add column fence integer not null default 0`,
      `alter table jobs add column heartbeat_at timestamptz(3)`,
      // Jobs the store wants on a queue: written in the transaction that makes a job runnable,
      // moved to BullMQ afterwards by a dispatcher, so Redis holds nothing the store cannot rebuild.
      `create table job_outbox (
        seq bigserial primary key,
        job_id uuid not null references jobs (id) on delete cascade,
        created_at timestamptz(3) not null default now()
      )`,
      `create index job_outbox_job_idx on job_outbox (job_id)`,
      `create index jobs_running_idx on jobs (heartbeat_at) where state in ('running', 'cancelling')`,
      `create table workers (
        name text primary key,
        host text not null,
        queues text[] not null,
        gpus integer not null default 0,
        memory_bytes bigint,
        info jsonb,
        started_at timestamptz(3) not null default now(),
        heartbeat_at timestamptz(3) not null default now(),
        stopped_at timestamptz(3)
      )`,
      `create table uploads (
        id uuid primary key,
        size bigint not null,
        sha256 text not null,
        created_at timestamptz(3) not null default now()
      )`,
    ],
  },
  {
    version: 3,
    name: 'projects, tokens, idempotency keys, owners and tombstones',
    statements: [
      `create table projects (
        name text primary key,
        max_queued integer,
        max_running_gpu integer,
        gpu_share integer not null default 4,
        created_at timestamptz(3) not null default now()
      )`,
      `insert into projects (name) values ('default') on conflict do nothing`,
      // Bearer tokens: only a hash is stored; the prefix identifies one in listings.
      `create table tokens (
        id uuid primary key,
        name text not null,
        prefix text not null,
        hash text not null unique,
        subject text not null,
        superuser boolean not null default false,
        grants jsonb not null default '[]',
        stream_only boolean not null default false,
        created_by text,
        created_at timestamptz(3) not null default now(),
        expires_at timestamptz(3),
        revoked_at timestamptz(3),
        last_used_at timestamptz(3)
      )`,
      `create table idempotency_keys (
        scope text not null,
        route text not null,
        key text not null,
        body_hash text not null,
        resource jsonb not null,
        created_at timestamptz(3) not null default now(),
        primary key (scope, route, key)
      )`,
      `alter table jobs add column project text not null default 'default'`,
      `alter table jobs add column created_by text`,
      `alter table jobs add column deleted_at timestamptz(3)`,
      `alter table jobs add column deleted_by text`,
      // In its BullMQ queue now (fair share keeps a window of each project's jobs there).
      `alter table jobs add column dispatched boolean not null default false`,
      `create index jobs_project_idx on jobs (project, state)`,
      `alter table sweeps add column project text not null default 'default'`,
      `alter table sweeps add column created_by text`,
      `alter table uploads add column project text not null default 'default'`,
      `alter table job_events add column project text`,
      `update job_events e set project = j.project from jobs j where j.id = e.job_id`,
    ],
  },
  {
    version: 4,
    name: 'provenance, reruns and resumes',
    statements: [
      // What ran the latest attempt: code version, Node/Python/torch/CUDA, device, host, seed.
      `alter table jobs add column provenance jsonb`,
      // A rerun is a new job with the same spec; it names the job it repeats.
      `alter table jobs add column rerun_of uuid`,
      // A resumed job counts its crash retries (FSDFM_MAX_ATTEMPTS) from its resume on.
      `alter table jobs add column attempt_base integer not null default 0`,
    ],
  },
  {
    version: 5,
    name: 'webhooks and their deliveries',
    statements: [
      // A project's subscribers. The secret signs every delivery (HMAC), so it is kept as is,
      // not hashed; it is shown to its creator once and never listed.
      `create table webhooks (
        id uuid primary key,
        project text not null,
        url text not null,
        events text[] not null,
        secret text not null,
        active boolean not null default true,
        description text,
        created_by text,
        created_at timestamptz(3) not null default now(),
        updated_at timestamptz(3) not null default now()
      )`,
      `create index webhooks_project_idx on webhooks (project) where active`,
      // One row per (webhook, event), written in the transaction that writes the event, so a
      // crash between the two loses none. payload: the event and the job row as they were then.
      `create table webhook_deliveries (
        id uuid primary key,
        webhook_id uuid not null references webhooks (id) on delete cascade,
        event_id bigint not null,
        event text not null,
        job_id uuid,
        payload jsonb not null,
        state text not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
        attempts integer not null default 0,
        -- attempts at the last redelivery: the retry limit counts from there
        attempt_base integer not null default 0,
        next_attempt_at timestamptz(3) not null default now(),
        created_at timestamptz(3) not null default now(),
        delivered_at timestamptz(3),
        unique (webhook_id, event_id)
      )`,
      `create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where state = 'pending'`,
      `create index webhook_deliveries_log_idx on webhook_deliveries (webhook_id, created_at)`,
      `create table webhook_attempts (
        delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
        attempt integer not null,
        started_at timestamptz(3) not null,
        duration_ms integer not null,
        status integer,
        error text,
        primary key (delivery_id, attempt)
      )`,
    ],
  },
  {
    version: 6,
    name: 'worker heartbeats: interval, current jobs and devices',
    statements: [
      // Each worker says how often it heartbeats; silent for three of them it counts as lost.
      `alter table workers add column heartbeat_ms integer not null default 10000`,
      // Sampled at each heartbeat: the jobs it runs, its devices' memory and utilisation.
      `alter table workers add column status jsonb`,
    ],
  },
  {
    version: 7,
    name: 'trace events',
    statements: [
      // A traced sample job's frames (token pieces after each solver step) are job events too.
      `alter table job_events drop constraint job_events_type_check`,
      `alter table job_events add constraint job_events_type_check check (type in ('state', 'progress', 'metric', 'log', 'trace'))`,
    ],
  },
]

/**
 * Applies the migrations not yet recorded in schema_migrations, in order, in one
 * transaction under an advisory lock keyed on the schema: processes starting together
 * wait for the first, then find nothing left to do. Returns the versions it applied.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.tx(async (t) => {
    await t.query(`select pg_advisory_xact_lock(hashtext('fsdfm.migrate.' || current_schema()))`)
    await t.query(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz(3) not null default now()
    )`)
    const { rows } = await t.query<{ version: number }>('select version from schema_migrations')
    const done = new Set(rows.map((r) => r.version))
    const applied: number[] = []
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue
      for (const sql of m.statements) await t.query(sql)
      await t.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name])
      applied.push(m.version)
    }
    return applied
  })
}
