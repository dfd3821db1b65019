// Uploaded text for dataset jobs: the bytes live in a file under the artifact directory
// (uploads/<id>), the row says they are complete, how big and their SHA-256. A job spec names
// an upload by id, so large texts never sit in job rows or come back in job listings.
import type { Db } from './db.ts'
import { iso, isUuid } from './sql.ts'

export interface Upload {
  id: string
  size: number
  sha256: string
  createdAt: string
}

export class UploadsRepo {
  constructor(private readonly db: Db) {}

  async create(u: { id: string; size: number; sha256: string }): Promise<Upload> {
    const { rows } = await this.db.query<{ id: string; size: number; sha256: string; created_at: Date }>(
      'insert into uploads (id, size, sha256) values ($1, $2, $3) returning *',
      [u.id, u.size, u.sha256],
    )
    const r = rows[0]
    return { id: r.id, size: r.size, sha256: r.sha256, createdAt: iso(r.created_at) }
  }

  async get(id: string): Promise<Upload | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<{ id: string; size: number; sha256: string; created_at: Date }>('select * from uploads where id = $1', [id])
    const r = rows[0]
    return r ? { id: r.id, size: r.size, sha256: r.sha256, createdAt: iso(r.created_at) } : null
  }
}
