// Uploaded text for dataset jobs: the bytes live in a file under the artifact directory
// (uploads/<id>), the row says they are complete, how big and their SHA-256. A job spec names
// an upload by id, so large texts never sit in job rows or come back in job listings.
import type { Db } from './db.ts'
import { iso, isUuid } from './sql.ts'

export interface Upload {
  id: string
  project: string
  size: number
  sha256: string
  createdAt: string
}

interface Row {
  id: string
  project: string
  size: number
  sha256: string
  created_at: Date
}

const toUpload = (r: Row): Upload => ({ id: r.id, project: r.project, size: r.size, sha256: r.sha256, createdAt: iso(r.created_at) })

export class UploadsRepo {
  constructor(private readonly db: Db) {}

  async create(u: { id: string; size: number; sha256: string; project?: string }): Promise<Upload> {
    const { rows } = await this.db.query<Row>('insert into uploads (id, size, sha256, project) values ($1, $2, $3, $4) returning *', [u.id, u.size, u.sha256, u.project ?? 'default'])
    return toUpload(rows[0])
  }

  async get(id: string): Promise<Upload | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<Row>('select * from uploads where id = $1', [id])
    return rows.length ? toUpload(rows[0]) : null
  }
}
