// The TypeScript client of the fsdfm api (`import { FsdfmClient } from 'fsdfm/client'`). Typed
// calls come from openapi-fetch over the types generated from openapi/openapi.json
// (./schema.ts); what the document cannot type — event streams, followed logs, waiting for a
// job — is written here by hand. It depends on nothing else in this repository, and nothing of
// Node's: the dashboard (web/) runs it in the browser.
import createClient, { type Client } from 'openapi-fetch'
import type { components, paths } from './schema.ts'
import { readSse } from './sse.ts'

export type { components, operations, paths } from './schema.ts'

type Schemas = components['schemas']
type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never

export type Job = Schemas['Job']
export type JobState = Job['state']
export type JobKind = Job['kind']
export type ErrorBody = Schemas['ErrorBody']
export type Worker = Schemas['Worker']
export type Queue = Schemas['Queue']
export type SampleResult = Schemas['SampleResult']
export type TrainResult = Schemas['TrainResult']
export type EvaluateResult = Schemas['EvaluateResult']
export type DatasetResult = Schemas['DatasetResult']
export type EvaluateReport = Schemas['EvaluateReport']
/** A job as a client submits it (fields with defaults may be left out). */
export type JobCreate = NonNullable<paths['/v1/jobs']['post']['requestBody']>['content']['application/json']
export type SweepCreate = NonNullable<paths['/v1/sweeps']['post']['requestBody']>['content']['application/json']
export type Sweep = JsonOf<paths['/v1/sweeps/{id}']['get']['responses'][200]>
export type Metrics = JsonOf<paths['/v1/jobs/{id}/metrics']['get']['responses'][200]>
export type Artifact = JsonOf<paths['/v1/jobs/{id}/artifacts']['get']['responses'][200]>['items'][number]
/** A traced sample job's denoising trace (GET /v1/jobs/{id}/trace). */
export type Trace = JsonOf<paths['/v1/jobs/{id}/trace']['get']['responses'][200]>
export type Webhook = Schemas['Webhook']
export type WebhookDelivery = Schemas['WebhookDelivery']
export type WebhookCreate = NonNullable<paths['/v1/projects/{name}/webhooks']['post']['requestBody']>['content']['application/json']
// The webhook signature helpers need node:crypto, so they are their own entry point
// ('fsdfm/client/webhooks'): this module stays importable in a browser (the dashboard uses it).

export const TERMINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled']

/** One event of a job's stream (GET /v1/jobs/{id}/events or /v1/events). */
export type JobEvent =
  | { id: number; type: 'state'; data: { jobId: string; from: JobState | null; to: JobState; attempt?: number; reason?: string; at: string } }
  | { id: number; type: 'progress'; data: { jobId: string; step?: number; total?: number; loss?: number | null; tokensPerSecond?: number | null; etaSeconds?: number | null; at: string } }
  | { id: number; type: 'metric'; data: { jobId: string; points: { name: string; step: number; value: number | null }[]; at: string } }
  | { id: number; type: 'log'; data: { jobId: string; line: string; at: string } }
  /** A traced sample job's frame: tokens[i] is sample firstSample + i, pieces of text, null while masked. */
  | { id: number; type: 'trace'; data: { jobId: string; step: number; steps: number; t: number; firstSample: number; tokens: (string | null)[][]; at: string } }

/** An error answer of the api: its stable `code`, and for a 400 the bad fields by JSON pointer. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: { path: string; message: string }[]
  readonly hint?: string

  constructor(status: number, body: unknown, fallback: string) {
    const error = (body as Partial<ErrorBody> | null)?.error
    super(error?.message ?? fallback)
    this.name = 'ApiError'
    this.status = status
    this.code = error?.code ?? (status === 404 ? 'not_found' : 'unknown')
    this.details = error?.details ?? []
    this.hint = error?.hint
  }
}

/** The service could not be reached at all (refused, DNS, reset): nothing was answered. */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    const reason = (cause as { cause?: { code?: string; message?: string } })?.cause
    super(`cannot reach the fsdfm api at ${url}${reason ? ` (${reason.code ?? reason.message})` : ''}`)
    this.name = 'ConnectionError'
  }
}

export interface ClientOptions {
  /** Base URL of the api, e.g. http://127.0.0.1:8080. */
  url: string
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string
  fetch?: typeof fetch
}

/** The data of an openapi-fetch result, or the ApiError its error answer describes. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) throw new ApiError(result.response.status, result.error, `${result.response.status} ${result.response.statusText}`)
  return result.data as T
}

/** A random UUID: browsers offer randomUUID only on https or localhost, getRandomValues everywhere. */
function newKey(): string {
  const c = globalThis.crypto
  if (typeof c.randomUUID === 'function') return c.randomUUID()
  const b = c.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
  })

export class FsdfmClient {
  /** Typed calls of every operation: `await client.api.GET('/v1/jobs/{id}', { params: { path: { id } } })`. */
  readonly api: Client<paths>
  readonly url: string
  private readonly headers: Record<string, string>
  private readonly fetch: typeof fetch

  constructor(options: ClientOptions) {
    this.url = options.url.replace(/\/+$/, '')
    this.headers = options.token ? { authorization: `Bearer ${options.token}` } : {}
    const base = options.fetch ?? globalThis.fetch
    this.fetch = async (input, init) => {
      try {
        return await base(input, init)
      } catch (err) {
        if ((err as Error)?.name === 'AbortError') throw err
        throw new ConnectionError(this.url, err)
      }
    }
    this.api = createClient<paths>({ baseUrl: this.url, headers: this.headers, fetch: (request: Request) => this.fetch(request) })
  }

  /** A request by path (relative to the api's URL) with this client's headers: for file downloads, and operations newer than this client. */
  raw(path: string, init: RequestInit = {}): Promise<Response> {
    return this.fetch(this.url + path, { ...init, headers: { ...this.headers, ...(init.headers as Record<string, string> | undefined) } })
  }

  /**
   * Submits a job. The request carries an Idempotency-Key (yours, or a fresh one), so when the
   * connection drops or the api answers 503 it is sent again with the same key, up to `retries`
   * times: a retry after a lost answer returns the job the first request made, never a second.
   */
  async submit(body: JobCreate, options: { idempotencyKey?: string; retries?: number } = {}): Promise<Job> {
    const key = options.idempotencyKey ?? newKey()
    const retries = options.retries ?? 3
    for (let attempt = 0; ; attempt++) {
      try {
        return unwrap(await this.api.POST('/v1/jobs', { body, headers: { 'idempotency-key': key } }))
      } catch (err) {
        const transient = err instanceof ConnectionError || (err instanceof ApiError && err.status === 503)
        if (!transient || attempt >= retries) throw err
        await new Promise((r) => setTimeout(r, 250 * 2 ** attempt))
      }
    }
  }

  async get(id: string): Promise<Job> {
    return unwrap(await this.api.GET('/v1/jobs/{id}', { params: { path: { id } } }))
  }

  /** The denoising trace of a succeeded sample job submitted with `trace: true` (ApiError `no_trace` otherwise). */
  async trace(id: string): Promise<Trace> {
    return unwrap(await this.api.GET('/v1/jobs/{id}/trace', { params: { path: { id } } }))
  }

  async cancel(id: string): Promise<Job> {
    return unwrap(await this.api.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } }))
  }

  /** Adds a webhook to a project (its admin's): the secret that signs deliveries comes in this answer only. */
  async createWebhook(project: string, body: WebhookCreate): Promise<{ secret: string; webhook: Webhook }> {
    return unwrap(await this.api.POST('/v1/projects/{name}/webhooks', { params: { path: { name: project } }, body }))
  }

  async webhooks(project: string): Promise<Webhook[]> {
    return unwrap(await this.api.GET('/v1/projects/{name}/webhooks', { params: { path: { name: project } } })).items
  }

  async deleteWebhook(project: string, id: string): Promise<Webhook> {
    return unwrap(await this.api.DELETE('/v1/projects/{name}/webhooks/{id}', { params: { path: { name: project, id } } }))
  }

  /** A webhook's deliveries, newest first, each with every attempt (time, status, error). */
  async webhookDeliveries(project: string, id: string, query: { state?: WebhookDelivery['state']; limit?: number } = {}): Promise<WebhookDelivery[]> {
    return unwrap(await this.api.GET('/v1/projects/{name}/webhooks/{id}/deliveries', { params: { path: { name: project, id }, query } })).items
  }

  async redeliver(project: string, id: string, deliveryId: string): Promise<WebhookDelivery> {
    return unwrap(await this.api.POST('/v1/projects/{name}/webhooks/{id}/deliveries/{deliveryId}/redeliver', { params: { path: { name: project, id, deliveryId } } }))
  }

  /**
   * A job's events (its whole history first) or, without `jobId`, every job's from now. A dropped
   * connection is resumed where it stopped (Last-Event-ID); a job's stream ends after its
   * terminal state.
   */
  async *events(options: { jobId?: string; lastEventId?: number; signal?: AbortSignal } = {}): AsyncGenerator<JobEvent> {
    let last = options.lastEventId
    const path = options.jobId ? `/v1/jobs/${encodeURIComponent(options.jobId)}/events` : '/v1/events'
    for (let retry = 0; !options.signal?.aborted; ) {
      let res: Response
      try {
        res = await this.fetch(this.url + path, {
          headers: { ...this.headers, accept: 'text/event-stream', ...(last !== undefined ? { 'last-event-id': String(last) } : {}) },
          signal: options.signal,
        })
      } catch (err) {
        if (options.signal?.aborted || retry >= 5) throw err
        await sleep(Math.min(500 * 2 ** retry++, 5000), options.signal)
        continue
      }
      if (res.status === 204) return // the job has ended and nothing is after `last`
      if (!res.ok || !res.body) throw new ApiError(res.status, await res.json().catch(() => null), `${res.status} ${res.statusText}`)
      retry = 0
      let ended = false
      try {
        for await (const m of readSse(res.body)) {
          if (m.id !== null) last = Number(m.id)
          const event = { id: Number(m.id), type: m.event, data: JSON.parse(m.data) } as JobEvent
          yield event
          if (options.jobId && event.type === 'state' && TERMINAL_STATES.includes(event.data.to)) ended = true
        }
      } catch (err) {
        if (options.signal?.aborted) return
        if ((err as Error)?.name !== 'TypeError' && !(err instanceof ConnectionError)) throw err // a dropped connection reads as a TypeError
      }
      if (ended) return
    }
  }

  /** The lines a job has logged so far, or with `follow`, every line until the job ends. */
  async *logs(jobId: string, options: { follow?: boolean; tail?: number; signal?: AbortSignal } = {}): AsyncGenerator<string> {
    const query = new URLSearchParams({ follow: String(Boolean(options.follow)), ...(options.tail ? { tail: String(options.tail) } : {}) })
    const res = await this.fetch(`${this.url}/v1/jobs/${encodeURIComponent(jobId)}/logs?${query}`, { headers: this.headers, signal: options.signal })
    if (!res.ok || !res.body) throw new ApiError(res.status, await res.json().catch(() => null), `${res.status} ${res.statusText}`)
    const decoder = new TextDecoder()
    let buffer = ''
    const reader = res.body.getReader()
    try {
      for (;;) {
        const { value, done } = await reader.read()
        buffer += done ? decoder.decode() : decoder.decode(value, { stream: true })
        const lines = buffer.split('\n')
        buffer = lines.pop() ?? ''
        yield* lines
        if (done) break
      }
      if (buffer) yield buffer
    } catch (err) {
      if (!options.signal?.aborted) throw err
    } finally {
      await reader.cancel().catch(() => {})
    }
  }

  /**
   * Waits until the job ends and returns it, following its event stream; `onEvent` sees every
   * event on the way (progress for a progress bar, log lines, metrics).
   */
  async wait(jobId: string, options: { onEvent?: (event: JobEvent) => void; signal?: AbortSignal } = {}): Promise<Job> {
    for await (const event of this.events({ jobId, signal: options.signal })) options.onEvent?.(event)
    return this.get(jobId)
  }
}
