// Resumable uploads of a job's outputs from a worker without the artifact directory. A transfer
// is two files on the api's disk: <artifactDir>/transfers/<id>.json says what is coming (job,
// attempt fence, name, place in the job directory, size, sha256) and <id>.part holds the bytes
// received so far. The offset is the size of the .part file, so it is always the number of
// bytes kept, whatever a dropped connection cut off. When the last byte arrives the whole file
// is hashed: a match moves it into the job directory, a mismatch removes both files, so a
// reader never sees a half-written or corrupt artifact.
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ServiceError, invalidField } from '../errors.ts'
import { jobDir } from './paths.ts'

export interface TransferMeta {
  id: string
  jobId: string
  /** The attempt the bytes come from: only the job's current fence may complete a transfer. */
  fence: number
  /** Artifact name, unique per job. */
  name: string
  kind: string
  /** Where the file goes, relative to the job directory (e.g. checkpoint.pt, dataset/train.bin). */
  path: string
  size: number
  sha256: string
  createdAt: string
}

export interface TransferState extends TransferMeta {
  offset: number
  complete: boolean
}

/** A relative path of plain segments: nothing that could climb out of the job directory. */
export const SAFE_RELATIVE_PATH = '^(?!.*(^|/)\\.\\.?(/|$))[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$'

export const transfersDir = (artifactDir: string): string => join(artifactDir, 'transfers')
const metaFile = (artifactDir: string, id: string) => join(transfersDir(artifactDir), `${id}.json`)
const partFile = (artifactDir: string, id: string) => join(transfersDir(artifactDir), `${id}.part`)

/** Sessions with a PATCH under way in this process: a second one waits for the first to end. */
const busy = new Set<string>()

export async function openTransfer(artifactDir: string, input: Omit<TransferMeta, 'id' | 'createdAt'>): Promise<TransferState> {
  if (!new RegExp(SAFE_RELATIVE_PATH).test(input.path)) throw invalidField('/path', 'must be a relative path of plain segments (letters, digits, . _ -), without . or ..')
  const meta: TransferMeta = { ...input, id: randomUUID(), createdAt: new Date().toISOString() }
  await mkdir(transfersDir(artifactDir), { recursive: true })
  await writeFile(partFile(artifactDir, meta.id), '')
  // The description last, written whole under its final name: a session exists once it is there.
  await writeFile(`${metaFile(artifactDir, meta.id)}.tmp`, JSON.stringify(meta))
  await rename(`${metaFile(artifactDir, meta.id)}.tmp`, metaFile(artifactDir, meta.id))
  return { ...meta, offset: 0, complete: false }
}

/** The session and how many bytes it holds; null when there is none (never opened, completed or refused). */
export async function readTransfer(artifactDir: string, id: string): Promise<TransferState | null> {
  let meta: TransferMeta
  try {
    meta = JSON.parse(await readFile(metaFile(artifactDir, id), 'utf8')) as TransferMeta
  } catch {
    return null
  }
  const offset = await stat(partFile(artifactDir, id)).then((s) => s.size, () => 0)
  return { ...meta, offset, complete: false }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk)
  return hash.digest('hex')
}

export interface AppendOptions {
  artifactDir: string
  id: string
  /** Where the client believes the upload stands (the Upload-Offset header). */
  offset: number
  body: Readable
  /** Whether `fence` still holds the job; asked before the file is moved into the job directory. */
  holds: (jobId: string, fence: number) => Promise<boolean>
  /** Registers the finished file as the job's artifact (after it is in place). */
  register: (meta: TransferMeta, path: string) => Promise<void>
}

/**
 * Appends the request body at `offset`. The bytes that arrive before a dropped connection stay
 * (the next request continues after them). Returns the session; `complete` once the file is
 * checked, in place and registered.
 */
export async function appendTransfer(opts: AppendOptions): Promise<TransferState | null> {
  const { artifactDir, id } = opts
  if (busy.has(id)) throw new ServiceError('upload_offset_mismatch', `transfer ${id} is receiving another request; read its offset again shortly`)
  busy.add(id)
  try {
    const state = await readTransfer(artifactDir, id)
    if (!state) return null
    if (opts.offset !== state.offset)
      throw new ServiceError('upload_offset_mismatch', `Upload-Offset is ${opts.offset} but the transfer holds ${state.offset} bytes`, [{ path: '/headers/upload-offset', message: `must be ${state.offset}` }])
    let received = state.offset
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length
        if (received > state.size) return done(invalidField('/body', `the transfer is ${state.size} bytes long; this request goes past it`))
        done(null, chunk)
      },
    })
    try {
      await pipeline(opts.body, limit, createWriteStream(partFile(artifactDir, id), { flags: 'a' }))
    } catch (err) {
      // A client gone mid-request: what was written stays, and the next request resumes after it.
      if (err instanceof ServiceError) throw err
      return readTransfer(artifactDir, id)
    }
    const now = await readTransfer(artifactDir, id)
    if (!now || now.offset < now.size) return now
    return await finish(opts, now)
  } finally {
    busy.delete(id)
  }
}

async function finish(opts: AppendOptions, state: TransferState): Promise<TransferState> {
  const { artifactDir, id } = opts
  const part = partFile(artifactDir, id)
  const drop = () => Promise.all([rm(part, { force: true }), rm(metaFile(artifactDir, id), { force: true })])
  const sha256 = await sha256Of(part)
  if (sha256 !== state.sha256) {
    await drop()
    throw new ServiceError('checksum_mismatch', `transfer ${id} (${state.name}): the bytes received hash to ${sha256}, not ${state.sha256}; nothing was kept`, [
      { path: '/body', message: 'does not match the sha256 the transfer was opened with' },
    ])
  }
  if (!(await opts.holds(state.jobId, state.fence))) {
    await drop()
    throw new ServiceError('attempt_superseded', `job ${state.jobId}: attempt fence ${state.fence} no longer holds the job; its outputs are refused`)
  }
  const target = join(jobDir(artifactDir, state.jobId), state.path)
  await mkdir(dirname(target), { recursive: true })
  await rename(part, target)
  await opts.register(state, target)
  await rm(metaFile(artifactDir, id), { force: true })
  return { ...state, offset: state.size, complete: true }
}

/** Removes sessions nobody has written to for `maxAgeMs` (their worker died or gave up). */
export async function sweepTransfers(artifactDir: string, maxAgeMs: number): Promise<number> {
  const dir = transfersDir(artifactDir)
  if (!existsSync(dir)) return 0
  let removed = 0
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.json')) continue
    const id = name.slice(0, -'.json'.length)
    if (busy.has(id)) continue
    const touched = await stat(partFile(artifactDir, id)).then((s) => s.mtimeMs, () => 0)
    if (Date.now() - touched < maxAgeMs) continue
    await Promise.all([rm(partFile(artifactDir, id), { force: true }), rm(join(dir, name), { force: true })])
    removed++
  }
  return removed
}
