// Numbers, times and ids as the pages show them.
export const shortId = (id: string): string => id.slice(0, 8)

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–'
  if (seconds < 1) return `${(seconds * 1000).toFixed(0)} ms`
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const m = Math.floor(seconds / 60)
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '–'
  return `${duration(Math.max(0, (now - Date.parse(iso)) / 1000))} ago`
}

export function num(v: unknown, digits = 4): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '–' : String(v)
  if (!Number.isFinite(v)) return String(v)
  if (Number.isInteger(v)) return v.toLocaleString('en')
  const a = Math.abs(v)
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toPrecision(digits).replace(/\.?0+$/, '')
}

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024
  return `${i ? n.toFixed(1) : n} ${units[i]}`
}

export const errorText = (err: unknown): string => {
  const e = err as { message?: string; details?: { path: string; message: string }[] }
  const details = e?.details?.length ? `: ${e.details.map((d) => `${d.path} ${d.message}`).join('; ')}` : ''
  return `${e?.message ?? String(err)}${details}`
}
