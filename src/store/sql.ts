// Small helpers shared by the repositories.

/** A timestamp column value (Date from both drivers) as an ISO-8601 string. */
export function iso(v: unknown): string {
  if (v instanceof Date) return v.toISOString()
  return new Date(v as string).toISOString()
}

export function isoOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : iso(v)
}

/**
 * A JSON value as a query parameter for a `$n::jsonb` placeholder. Serialised here rather
 * than by the driver because pg turns JS arrays into PostgreSQL array literals.
 */
export function jsonParam(v: unknown): string | null {
  return v === null || v === undefined ? null : JSON.stringify(v)
}

/** A timestamp parameter; Date or ISO string in, ISO string out. */
export function timeParam(v: string | Date | null): string | null {
  if (v === null) return null
  const d = v instanceof Date ? v : new Date(v)
  if (Number.isNaN(d.getTime())) throw new TypeError(`invalid timestamp: ${String(v)}`)
  return d.toISOString()
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Lookups by a malformed id find nothing instead of raising PostgreSQL's 22P02. */
export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID.test(v)
}
