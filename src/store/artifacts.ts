// Files a job produced: where they are, how big, and their SHA-256, computed here by
// streaming the file so the row always describes the bytes on disk at registration.
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { Db } from './db.ts'
import { iso, isUuid } from './sql.ts'
import type { Artifact } from './types.ts'

interface ArtifactRow {
  id: string
  job_id: string
  name: string
  kind: string
  path: string
  size: number
  sha256: string
  created_at: Date
}

const toArtifact = (r: ArtifactRow): Artifact => ({
  id: r.id,
  jobId: r.job_id,
  name: r.name,
  kind: r.kind,
  path: r.path,
  size: r.size,
  sha256: r.sha256,
  createdAt: iso(r.created_at),
})

/** Size and hex SHA-256 of a file, read as a stream. */
export async function hashFile(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    size += chunk.length
  }
  return { size, sha256: hash.digest('hex') }
}

export interface ArtifactInput {
  name: string
  kind: string
  path: string
}

/** An artifact whose file is already hashed (registered inside a transaction, no I/O there). */
export interface HashedArtifact extends ArtifactInput {
  size: number
  sha256: string
}

export async function hashArtifact(a: ArtifactInput): Promise<HashedArtifact> {
  return { ...a, ...(await hashFile(a.path)) }
}

export class ArtifactsRepo {
  constructor(private readonly db: Db) {}

  /** Hashes the file and inserts or replaces the job's artifact of that name (its id stays). */
  async register(jobId: string, a: ArtifactInput): Promise<Artifact> {
    return this.put(jobId, await hashArtifact(a))
  }

  /** Inserts or replaces an artifact row for an already hashed file. */
  async put(jobId: string, a: HashedArtifact): Promise<Artifact> {
    const { size, sha256 } = a
    const { rows } = await this.db.query<ArtifactRow>(
      `insert into artifacts (id, job_id, name, kind, path, size, sha256) values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (job_id, name) do update
         set kind = excluded.kind, path = excluded.path, size = excluded.size, sha256 = excluded.sha256, created_at = now()
       returning *`,
      [randomUUID(), jobId, a.name, a.kind, a.path, size, sha256],
    )
    return toArtifact(rows[0])
  }

  async list(jobId: string): Promise<Artifact[]> {
    if (!isUuid(jobId)) return []
    const { rows } = await this.db.query<ArtifactRow>('select * from artifacts where job_id = $1 order by name', [jobId])
    return rows.map(toArtifact)
  }

  async get(jobId: string, name: string): Promise<Artifact | null> {
    if (!isUuid(jobId)) return null
    const { rows } = await this.db.query<ArtifactRow>('select * from artifacts where job_id = $1 and name = $2', [jobId, name])
    return rows.length ? toArtifact(rows[0]) : null
  }
}
