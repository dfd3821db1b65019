// Artifacts through the api, for a worker on a machine without the artifact directory
// (FSDFM_ARTIFACTS=remote). Inputs are downloaded into a cache named by sha256 (a download cut
// off continues with a Range request; the whole file is checked before it enters the cache) and
// linked into the job directory, so a second job needing the same checkpoint reads it from the
// cache. Outputs are hashed here and sent through a transfer (/v1/transfers): streamed from the
// file, and after a dropped connection continued from the offset the api holds; the api checks
// the sha256 before the file becomes the job's artifact.
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { copyFile, link, mkdir, rename, rm, stat, truncate } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { jobDir, ownCheckpoint } from '../../jobs/paths.ts'
import { uploadsDir } from '../../jobs/uploads.ts'
import { hashFile, type ArtifactInput } from '../../store/artifacts.ts'
import { datasetDir, type ArtifactStore } from './store.ts'
import type { Logger } from '../../util/log.ts'

export interface RemoteOptions {
  /** The api, e.g. http://api.lab:8080. */
  apiUrl: string
  /** A superuser token; empty for an api with authentication off. */
  token: string
  /** This machine's artifact directory: where jobs run. */
  artifactDir: string
  /** Fetched inputs by sha256. */
  cacheDir: string
  log: Logger
  /** Tries of one request before a transfer fails (network errors, 5xx, a busy transfer). */
  tries?: number
}

/** A transfer that cannot go on: the job fails (or is run again) with this. */
export class TransferError extends Error {
  readonly code = 'transfer_failed'
  constructor(message: string) {
    super(message)
    this.name = 'TransferError'
  }
}

/** The api refused the outputs: another attempt holds the job now. */
export class SupersededError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SupersededError'
  }
}

/** Worth another try: the request did not reach an answer, or the api was briefly unable. */
class Retryable extends Error {}

interface RemoteArtifact {
  name: string
  kind: string
  size: number
  sha256: string
  url: string
}

interface Transfer {
  id: string
  offset: number
  size: number
  complete: boolean
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export class RemoteArtifactStore implements ArtifactStore {
  readonly mode = 'remote'
  private readonly base: string
  private readonly tries: number

  constructor(private readonly opts: RemoteOptions) {
    this.base = opts.apiUrl.replace(/\/+$/, '')
    this.tries = opts.tries ?? 8
  }

  async datasetDir(datasetJobId: string, only?: string[]): Promise<string> {
    const dir = datasetDir(this.opts.artifactDir, datasetJobId)
    const files = (await this.artifactsOf(datasetJobId)).filter((a) => a.kind === 'dataset' && (!only || only.includes(a.name)))
    for (const a of files) await this.fetchFile(a, join(dir, a.name), `${a.name} of job ${datasetJobId}`)
    return dir
  }

  async checkpoint(jobId: string): Promise<string | null> {
    const found = (await this.artifactsOf(jobId)).find((a) => a.name === 'checkpoint.pt')
    const path = ownCheckpoint(this.opts.artifactDir, jobId)
    // None registered: an attempt handed back on this machine may have left one to resume from.
    if (!found) return existsSync(path) ? path : null
    await this.fetchFile(found, path, `the checkpoint of job ${jobId}`)
    return path
  }

  async uploadDir(uploadId: string | undefined): Promise<string> {
    const dir = uploadsDir(this.opts.artifactDir)
    if (!uploadId) return dir
    const upload = await this.json<{ size: number; sha256: string }>('GET', `/v1/uploads/${uploadId}`)
    await this.fetchFile({ ...upload, url: `/v1/uploads/${uploadId}/content` }, join(dir, uploadId), `upload ${uploadId}`)
    return dir
  }

  async publish(job: { id: string; fence: number }, artifacts: ArtifactInput[]): Promise<ArtifactInput[]> {
    const root = jobDir(this.opts.artifactDir, job.id)
    for (const a of artifacts) {
      const path = relative(root, a.path)
      if (path.startsWith('..') || isAbsolute(path)) throw new TransferError(`artifact ${a.name} lies outside the job directory`)
      await this.upload(job, a, path.split(sep).join('/'))
    }
    // Registered by the api as each transfer completed.
    return []
  }

  // ---- downloads ----

  private async artifactsOf(jobId: string): Promise<RemoteArtifact[]> {
    return (await this.json<{ items: RemoteArtifact[] }>('GET', `/v1/jobs/${jobId}/artifacts`)).items
  }

  /** `file` at `target`: from the cache when it holds that sha256, else downloaded into it first. */
  private async fetchFile(file: { size: number; sha256: string; url: string }, target: string, what: string): Promise<void> {
    const cached = join(this.opts.cacheDir, file.sha256)
    if (existsSync(cached)) this.opts.log.info(`artifacts: ${what} from the cache`)
    else {
      await this.download(file, cached)
      this.opts.log.info(`artifacts: fetched ${what} (${file.size} bytes)`)
    }
    const [have, want] = await Promise.all([stat(target).catch(() => null), stat(cached)])
    if (have && have.ino === want.ino && have.dev === want.dev) return // linked already
    await mkdir(dirname(target), { recursive: true })
    await rm(target, { force: true })
    // A link costs no space; a cache on another file system is copied from.
    await link(cached, target).catch(() => copyFile(cached, target))
  }

  private async download(file: { size: number; sha256: string; url: string }, cached: string): Promise<void> {
    await mkdir(this.opts.cacheDir, { recursive: true })
    // Per process: two workers sharing a cache each write their own, the first to finish wins.
    const part = `${cached}.${process.pid}.part`
    await this.retrying(`download ${file.url}`, async () => {
      const have = await stat(part).then((s) => s.size, () => 0)
      const res = await this.send('GET', file.url, have > 0 && have < file.size ? { range: `bytes=${have}-` } : {})
      // 206: the rest after what we have; 200: the whole file (the api ignored the range).
      const append = res.status === 206
      if (!append && have > 0) await truncate(part, 0)
      const bytes = res.body ? Readable.fromWeb(res.body as WebReadableStream<Uint8Array>) : Readable.from([])
      await pipeline(bytes, createWriteStream(part, { flags: append ? 'a' : 'w' })).catch((err: Error) => {
        throw new Retryable(`the download broke off: ${err.message}`)
      })
    })
    const got = await hashFile(part)
    if (got.sha256 !== file.sha256) {
      await rm(part, { force: true })
      throw new TransferError(`${file.url}: the bytes received hash to ${got.sha256}, not ${file.sha256}`)
    }
    await rename(part, cached)
  }

  // ---- uploads ----

  private async upload(job: { id: string; fence: number }, a: ArtifactInput, path: string): Promise<void> {
    const { size, sha256 } = await hashFile(a.path)
    let transfer = await this.json<Transfer>('POST', '/v1/transfers', undefined, { jobId: job.id, fence: job.fence, name: a.name, kind: a.kind, path, size, sha256 })
    let resumed = 0
    await this.retrying(`upload ${a.name} of job ${job.id}`, async (attempt) => {
      if (attempt > 0) {
        // The connection dropped (or the api was busy): go on from what the api holds.
        transfer = await this.json<Transfer>('GET', `/v1/transfers/${transfer.id}`)
        resumed++
      }
      const body = Readable.toWeb(createReadStream(a.path, { start: transfer.offset })) as ReadableStream
      const res = await this.send('PATCH', `/v1/transfers/${transfer.id}`, { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(transfer.offset) }, body)
      transfer = (await res.json()) as Transfer
      if (!transfer.complete) throw new Retryable(`the api holds ${transfer.offset} of ${size} bytes`)
    })
    this.opts.log.info(`artifacts: uploaded ${a.name} of job ${job.id} (${size} bytes${resumed ? `, resumed ${resumed} time(s)` : ''})`)
    // This machine has the file: a later job here needing it reads it from the cache.
    const cached = join(this.opts.cacheDir, sha256)
    if (!existsSync(cached)) await mkdir(this.opts.cacheDir, { recursive: true }).then(() => link(a.path, cached)).catch(() => {})
  }

  // ---- HTTP ----

  private headers(extra: Record<string, string>): Record<string, string> {
    return this.opts.token ? { authorization: `Bearer ${this.opts.token}`, ...extra } : extra
  }

  /**
   * One request; a 2xx answer comes back. No answer, a 5xx or a busy transfer throw Retryable; a
   * refusal of the attempt SupersededError; any other answer TransferError with the api's message.
   */
  private async send(method: string, path: string, headers: Record<string, string> = {}, body?: string | ReadableStream): Promise<Response> {
    let res: Response
    try {
      res = await fetch(`${this.base}${path}`, { method, headers: this.headers(headers), body, ...(body && typeof body !== 'string' ? { duplex: 'half' } : {}) } as RequestInit)
    } catch (err) {
      throw new Retryable(`${method} ${path}: ${(err as Error).cause ?? (err as Error).message}`)
    }
    if (res.ok) return res
    const text = await res.text().catch(() => '')
    let code = ''
    try {
      code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? ''
    } catch {
      // not the api's error body (a proxy's page)
    }
    const why = `${method} ${path}: ${res.status} ${text.slice(0, 300)}`
    if (res.status >= 500 || res.status === 429 || code === 'upload_offset_mismatch') throw new Retryable(why)
    if (code === 'attempt_superseded') throw new SupersededError(why)
    throw new TransferError(why)
  }

  private async json<T>(method: string, path: string, headers?: Record<string, string>, body?: unknown): Promise<T> {
    return this.retrying(`${method} ${path}`, async () => {
      const res = await this.send(method, path, body === undefined ? headers : { 'content-type': 'application/json', ...headers }, body === undefined ? undefined : JSON.stringify(body))
      return (await res.json()) as T
    })
  }

  /** Runs `fn` until it does not throw Retryable, waiting longer each time, at most `tries` times. */
  private async retrying<T>(what: string, fn: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(attempt)
      } catch (err) {
        if (!(err instanceof Retryable)) throw err
        if (attempt + 1 >= this.tries) throw new TransferError(`${what}: gave up after ${this.tries} tries: ${err.message}`)
        this.opts.log.warn(`artifacts: ${what}: ${err.message}; trying again`)
        await sleep(Math.min(200 * 2 ** attempt, 5000))
      }
    }
  }
}
