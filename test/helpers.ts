// Test harness: a real service (api + worker + Python) against the real Redis and PostgreSQL,
// isolated per test file by a fresh PostgreSQL schema, a fresh queue prefix and a temp data dir.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { Redis } from 'ioredis'
import { loadConfig, type RawConfig } from '../src/config.ts'
import { startServices, type Role, type Services } from '../src/cli/services.ts'
import type { JobView } from '../src/schemas/views.ts'
import { openApiCheckFor } from './openapi-check.ts'
import { createLogger, type Logger } from '../src/util/log.ts'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface Isolation {
  schema: string
  prefix: string
  dataDir: string
  env: Partial<Record<keyof RawConfig, string>>
}

/** A fresh schema, queue prefix and data dir, removed when the test ends. */
export function isolate(t: Teardown, extra: Partial<Record<keyof RawConfig, string>> = {}): Isolation {
  const tag = randomBytes(4).toString('hex')
  const schema = `fsdfm_t_${tag}`
  const prefix = `fsdfm-t-${tag}`
  const dataDir = mkdtempSync(join(tmpdir(), 'fsdfm-test-'))
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await client.connect()
    await client.query(`drop schema if exists ${schema} cascade`)
    await client.end()
    const redis = new Redis(TEST_REDIS_URL)
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return {
    schema,
    prefix,
    dataDir,
    env: {
      DATABASE_URL: TEST_DATABASE_URL,
      FSDFM_DB_SCHEMA: schema,
      REDIS_URL: TEST_REDIS_URL,
      FSDFM_QUEUE_PREFIX: prefix,
      FSDFM_DATA_DIR: dataDir,
      FSDFM_PORT: '0',
      FSDFM_POLL_MS: '100',
      ...extra,
    },
  }
}

/** In-process services log only errors, to stderr (a request failing with a 500 shows its stack there). */
export const testLogger = (): Logger => createLogger({ level: 'error', format: 'pretty', out: process.stderr })

export async function startTestService(t: Teardown, opts: { role?: Role; env?: Partial<Record<keyof RawConfig, string>>; iso?: Isolation } = {}): Promise<Services & { iso: Isolation; api: Api }> {
  const iso = opts.iso ?? isolate(t)
  const config = loadConfig({ ...iso.env, ...opts.env })
  const services = await startServices(config, opts.role ?? 'up', { log: testLogger() })
  t.teardown(() => services.close())
  return Object.assign(services, { iso, api: new Api(services.baseUrl ?? '', { serverDirs: [config.artifactDir, config.dataDir] }) })
}

/** Result fields a job view can carry: none of them may name a place on the server. */
const leakedPath = (path: string, body: unknown, dirs: string[]): string | null => {
  const views = Array.isArray((body as { items?: unknown })?.items) ? (body as { items: unknown[] }).items : [body]
  for (const v of views) {
    const result = JSON.stringify(/\/report(\?|$)/.test(path) ? v : ((v as { result?: unknown })?.result ?? null))
    // '<artifacts>' is what the api's last-resort redaction leaves: a path reached it.
    for (const needle of [...dirs, '<artifacts>']) if (result.includes(needle)) return needle
  }
  return null
}

/** A tiny HTTP client over fetch, the way a user's script talks to the service; it checks every answer against the served OpenAPI document. */
export class Api {
  /** `token`: sent as a Bearer token; `serverDirs`: directories no answer may contain. */
  constructor(
    readonly base: string,
    readonly opts: { token?: string; serverDirs?: string[] } = {},
  ) {}

  /** The same client, calling with `token`. */
  as(token: string | undefined): Api {
    return new Api(this.base, { ...this.opts, token })
  }

  /** A request; `raw` sends that text as the body (JSON unless `headers` say otherwise). */
  async request<T = any>(method: string, path: string, headers?: Record<string, string>, raw?: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
    const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body))
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}), ...headers },
      body: payload,
    })
    const text = await res.text()
    for (const dir of this.opts.serverDirs ?? []) if (text.includes(dir)) throw new Error(`${method} ${path} answered with a server path (${dir}): ${text.slice(0, 500)}`)
    // Every answer must be what the served OpenAPI document declares for it.
    const problems = (await openApiCheckFor(this.base)).problems(method, path, res.status, res.headers.get('content-type'), text)
    if (problems.length) throw new Error(`the answer does not match the OpenAPI document:\n  ${problems.join('\n  ')}`)
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      // not JSON
    }
    const leak = this.opts.serverDirs ? leakedPath(path, parsed, this.opts.serverDirs) : null
    if (leak) throw new Error(`${method} ${path}: a result names a server path (${leak}): ${text.slice(0, 500)}`)
    return { status: res.status, body: parsed as T, headers: res.headers }
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path)
  }

  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, undefined, undefined, body)
  }

  async submit(body: unknown): Promise<JobView> {
    const res = await this.post<JobView>('/v1/jobs', body)
    if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${JSON.stringify(res.body)}`)
    return res.body
  }

  /** Polls until the job reaches one of `states` (default: a terminal state). */
  async waitFor(id: string, states: string[] = ['succeeded', 'failed', 'cancelled'], timeoutMs = 240_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const { body } = await this.get<JobView>(`/v1/jobs/${id}`)
      if (states.includes(body.state)) return body
      if (Date.now() > deadline) throw new Error(`job ${id} still ${body.state} after ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/** A small random-init sample job: the cheapest job that goes through Python. */
export const tinySample = (extra: Record<string, unknown> = {}) => ({
  kind: 'sample',
  spec: { model: { preset: 'tiny' }, steps: 4, count: 2, batchSize: 2, seqLen: 16, seed: 1, ...extra },
})

/** Polls fn until ok(value) holds (the dispatcher moves jobs to the queues a moment after a submission). */
export async function eventually<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (ok(value) || Date.now() > deadline) return value
    await new Promise((r) => setTimeout(r, 50))
  }
}
