// Upload bytes on disk: <artifactDir>/uploads/<id>, written to a temp name and renamed when
// complete (with its size and SHA-256 known), so a reader never sees half an upload. A stream
// is counted as it arrives and cut off at the configured limit without being buffered.
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ServiceError } from '../errors.ts'

export interface UploadStore {
  /** Directory holding the upload files. */
  dir: string
  /** Largest upload accepted, in bytes. */
  maxBytes: number
}

export interface WrittenUpload {
  id: string
  size: number
  sha256: string
  /** Removes the file (the submission that wrote it failed). */
  discard(): Promise<void>
}

export const uploadPath = (dir: string, id: string): string => join(dir, id)

export class UploadTooLargeError extends ServiceError {
  constructor(limit: number) {
    super('payload_too_large', `the upload exceeds the limit of ${limit} bytes (FSDFM_MAX_UPLOAD_BYTES)`)
    this.name = 'UploadTooLargeError'
  }
}

/** Streams `source` into a new upload file; UploadTooLargeError (file removed) past the limit. */
export async function writeUpload(store: UploadStore, source: Readable | Iterable<Buffer>): Promise<WrittenUpload> {
  await mkdir(store.dir, { recursive: true })
  const id = randomUUID()
  const final = uploadPath(store.dir, id)
  const temp = `${final}.part`
  const hash = createHash('sha256')
  let size = 0
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length
      if (size > store.maxBytes) return done(new UploadTooLargeError(store.maxBytes))
      hash.update(chunk)
      done(null, chunk)
    },
  })
  try {
    await pipeline(source as Readable, counter, createWriteStream(temp))
    await rename(temp, final)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
  return { id, size, sha256: hash.digest('hex'), discard: () => rm(final, { force: true }) }
}

/** A dataset spec's inline `text`, written as an upload. */
export function storeInlineUpload(store: UploadStore, text: string): Promise<WrittenUpload> {
  return writeUpload(store, [Buffer.from(text, 'utf8')])
}

export const uploadsDir = (artifactDir: string): string => join(artifactDir, 'uploads')
