// One SQL surface over two engines: a PostgreSQL pool (production) and PGlite, PostgreSQL
// compiled to WASM and run in process (the embedded default). Repositories write plain
// PostgreSQL with $n parameters and never see which engine runs it.
import { mkdir } from 'node:fs/promises'
import pg from 'pg'
import { PGlite, types as pgliteTypes, type Transaction } from '@electric-sql/pglite'
import { lockDataDir } from './dir-lock.ts'
import { StoreUnavailableError } from '../errors.ts'

export interface QueryResult<T> {
  rows: T[]
  rowCount: number
}

export interface Db {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>
  /**
   * Runs fn in one transaction. Inside fn use only the Db it receives (on PGlite the outer
   * Db waits for the transaction to end, so using it there deadlocks). Nested tx() calls
   * join the outer transaction.
   */
  tx<T>(fn: (db: Db) => Promise<T>): Promise<T>
  close(): Promise<void>
  readonly kind: 'postgres' | 'pglite'
}

export interface OpenDbOptions {
  /** postgres:// connection string; when absent the embedded PGlite is used. */
  url?: string
  /** PGlite data directory, or 'memory://' for a throwaway in-memory database. Default: 'memory://'. */
  dataDir?: string
  /** Schema that holds every table (created when missing); default: the server's search_path. */
  schema?: string
  /** PostgreSQL pool size. Default: 10. */
  poolSize?: number
  /** Give up connecting (and on a query whose answer never comes) after this long. Default: 5,000 ms to connect, 12x that per query. */
  connectTimeoutMs?: number
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name: ${JSON.stringify(schema)}`)
}

export async function openDb(opts: OpenDbOptions = {}): Promise<Db> {
  if (opts.schema !== undefined) assertSchemaName(opts.schema)
  return opts.url ? openPostgres(opts.url, opts.schema, opts.poolSize ?? 10, opts.connectTimeoutMs ?? 5000) : openPglite(opts.dataDir ?? 'memory://', opts.schema)
}

// Errors that mean "PostgreSQL is not answering" rather than "this statement is wrong": the
// server stopped or restarts (57P0x), the connection broke or never came (08xxx, socket
// errors, pg's own timeouts). Callers may retry these; everything else is a bug or bad data.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300'])
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|connection timeout|Query read timeout|Client has encountered a connection error|Connection ended|the database system is (starting up|shutting down)/i

export function isStoreUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true
  const e = err as { code?: unknown; message?: unknown } | null
  const code = typeof e?.code === 'string' ? e.code : ''
  return UNAVAILABLE_CODES.has(code) || code.startsWith('08') || (typeof e?.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message))
}

/** The same error, as StoreUnavailableError when it says PostgreSQL is unreachable. */
function classify(err: unknown): unknown {
  if (err instanceof StoreUnavailableError || !isStoreUnavailable(err)) return err
  return Object.assign(new StoreUnavailableError((err as Error).message), { cause: err })
}

// pg returns int8 as a string (it may exceed 2^53); our int8 columns (event ids, metric
// steps, byte sizes) stay far below that, and PGlite already returns numbers.
const INT8_OID = 20
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v)
    return (pg.types.getTypeParser as (oid: number, format?: string) => (v: string) => unknown)(oid, format)
  },
}

async function openPostgres(url: string, schema: string | undefined, max: number, connectTimeoutMs: number): Promise<Db> {
  if (schema) {
    // Serialised so several processes creating the same new schema do not collide.
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs })
    await client.connect()
    try {
      await client.query('begin')
      await client.query(`select pg_advisory_xact_lock(hashtext('fsdfm.create_schema'))`)
      await client.query(`create schema if not exists "${schema}"`)
      await client.query('commit')
    } catch (err) {
      await client.query('rollback').catch(() => {})
      throw err
    } finally {
      await client.end()
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: pgTypes as pg.CustomTypesConfig,
    // Applied at connection start-up, so every pooled connection uses the schema.
    options: schema ? `-c search_path="${schema}"` : undefined,
    // A stopped or unreachable server must fail a request, not hang it (and every request
    // queued behind it for a pool connection).
    connectionTimeoutMillis: connectTimeoutMs,
    query_timeout: connectTimeoutMs * 12,
    keepAlive: true,
  })
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {})

  const fromClient = (client: pg.PoolClient): Db => {
    const db: Db = {
      kind: 'postgres',
      async query<T>(sql: string, params?: unknown[]) {
        try {
          const r = await client.query(sql, params)
          return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length }
        } catch (err) {
          throw classify(err)
        }
      },
      tx: (fn) => fn(db),
      close: async () => {
        throw new Error('close() called inside a transaction')
      },
    }
    return db
  }

  return {
    kind: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      try {
        const r = await pool.query(sql, params)
        return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length }
      } catch (err) {
        throw classify(err)
      }
    },
    async tx<T>(fn: (db: Db) => Promise<T>): Promise<T> {
      let client: pg.PoolClient
      try {
        client = await pool.connect()
      } catch (err) {
        throw classify(err)
      }
      // The pool listens for errors on idle clients only: a server going away during this
      // transaction would otherwise be an uncaught 'error' event (the query itself rejects too).
      let broken = false
      const onError = () => {
        broken = true
      }
      client.on('error', onError)
      try {
        await client.query('begin')
        const out = await fn(fromClient(client))
        await client.query('commit')
        return out
      } catch (err) {
        try {
          await client.query('rollback')
        } catch {
          broken = true
        }
        throw classify(err)
      } finally {
        client.off('error', onError)
        client.release(broken)
      }
    },
    close: () => pool.end(),
  }
}

/** A FIFO lock: PGlite has one connection, so statements outside a transaction wait for it. */
class Mutex {
  #tail: Promise<void> = Promise.resolve()
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn)
    this.#tail = result.then(
      () => {},
      () => {},
    )
    return result
  }
}

async function openPglite(dataDir: string, schema: string | undefined): Promise<Db> {
  let release = () => {}
  if (!dataDir.includes('://')) {
    await mkdir(dataDir, { recursive: true })
    release = lockDataDir(dataDir) // one process per directory: a second is refused, naming the first
  }
  let lite: PGlite
  try {
    lite = await PGlite.create(dataDir, {
      // Match pg: jsonb/json parsed to values, timestamptz to Date, int8 to number.
      parsers: { [pgliteTypes.INT8]: (v: string) => Number(v) },
    })
  } catch (err) {
    release()
    throw err
  }
  if (schema) {
    await lite.query(`create schema if not exists "${schema}"`)
    // One connection, so a session setting holds for every later statement.
    await lite.query(`set search_path to "${schema}"`)
  }
  const mutex = new Mutex()
  let closed = false

  const fromTx = (t: Transaction): Db => {
    const db: Db = {
      kind: 'pglite',
      async query<T>(sql: string, params?: unknown[]) {
        const r = await t.query<T>(sql, params)
        return { rows: r.rows, rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) }
      },
      tx: (fn) => fn(db),
      close: async () => {
        throw new Error('close() called inside a transaction')
      },
    }
    return db
  }

  return {
    kind: 'pglite',
    query<T>(sql: string, params?: unknown[]) {
      return mutex.run(async () => {
        const r = await lite.query<T>(sql, params)
        return { rows: r.rows, rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) }
      })
    },
    tx<T>(fn: (db: Db) => Promise<T>): Promise<T> {
      return mutex.run(() => lite.transaction((t) => fn(fromTx(t))))
    },
    close() {
      return mutex.run(async () => {
        if (closed) return
        closed = true
        try {
          await lite.close()
        } finally {
          release()
        }
      })
    },
  }
}
