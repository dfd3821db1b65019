// Bearer tokens. A token is random and shown once; the store keeps its SHA-256 (tokens carry
// 256 bits of randomness, so a fast hash is enough) and a short prefix to tell tokens apart in
// listings. Grants give roles per project; a superuser may do anything.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Db } from './db.ts'
import { iso, isoOrNull, isUuid, jsonParam } from './sql.ts'

export const ROLES = ['viewer', 'member', 'admin'] as const
export type Role = (typeof ROLES)[number]

export interface Grant {
  project: string
  role: Role
}

export interface TokenRecord {
  id: string
  name: string
  /** The first characters of the token, to recognise it (never enough to use it). */
  prefix: string
  subject: string
  superuser: boolean
  grants: Grant[]
  /** A short-lived token for browser event streams: it may only read streams. */
  streamOnly: boolean
  createdBy: string | null
  createdAt: string
  expiresAt: string | null
  revokedAt: string | null
  lastUsedAt: string | null
}

interface Row {
  id: string
  name: string
  prefix: string
  subject: string
  superuser: boolean
  grants: Grant[]
  stream_only: boolean
  created_by: string | null
  created_at: Date
  expires_at: Date | null
  revoked_at: Date | null
  last_used_at: Date | null
}

const toRecord = (r: Row): TokenRecord => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  subject: r.subject,
  superuser: r.superuser,
  grants: r.grants,
  streamOnly: r.stream_only,
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
  expiresAt: isoOrNull(r.expires_at),
  revokedAt: isoOrNull(r.revoked_at),
  lastUsedAt: isoOrNull(r.last_used_at),
})

export const TOKEN_PREFIX = 'fsdfm_'
export const newToken = (): string => TOKEN_PREFIX + randomBytes(32).toString('base64url')
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')

export interface TokenInsert {
  name: string
  subject: string
  superuser?: boolean
  grants?: Grant[]
  createdBy?: string | null
  expiresAt?: string | null
  streamOnly?: boolean
  /** Use this token instead of a new random one (a deployment's own admin secret). */
  token?: string
}

export class TokensRepo {
  constructor(private readonly db: Db) {}

  /** Stores a token; returns it (the only time it is seen) with its record. */
  async create(t: TokenInsert): Promise<{ token: string; record: TokenRecord }> {
    const token = t.token ?? newToken()
    const { rows } = await this.db.query<Row>(
      `insert into tokens (id, name, prefix, hash, subject, superuser, grants, created_by, expires_at, stream_only)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10) returning *`,
      [randomUUID(), t.name, token.slice(0, TOKEN_PREFIX.length + 6), hashToken(token), t.subject, t.superuser ?? false, jsonParam(t.grants ?? []), t.createdBy ?? null, t.expiresAt ?? null, t.streamOnly ?? false],
    )
    return { token, record: toRecord(rows[0]) }
  }

  /** The live token with this hash (not revoked, not expired), or null. */
  async findLive(hash: string): Promise<TokenRecord | null> {
    const { rows } = await this.db.query<Row>(
      'select * from tokens where hash = $1 and revoked_at is null and (expires_at is null or expires_at > now())',
      [hash],
    )
    return rows.length ? toRecord(rows[0]) : null
  }

  async touch(id: string): Promise<void> {
    await this.db.query('update tokens set last_used_at = now() where id = $1', [id])
  }

  /** Every token but the short-lived stream tokens. */
  async list(): Promise<TokenRecord[]> {
    const { rows } = await this.db.query<Row>('select * from tokens where not stream_only order by created_at, id')
    return rows.map(toRecord)
  }

  async get(id: string): Promise<TokenRecord | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<Row>('select * from tokens where id = $1', [id])
    return rows.length ? toRecord(rows[0]) : null
  }

  async revoke(id: string): Promise<TokenRecord | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<Row>('update tokens set revoked_at = coalesce(revoked_at, now()) where id = $1 returning *', [id])
    return rows.length ? toRecord(rows[0]) : null
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('select count(*)::int as n from tokens where not stream_only')
    return rows[0].n
  }
}
