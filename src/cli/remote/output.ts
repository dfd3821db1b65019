// How the command line answers: exit codes that say how things ended, tables for people, JSON
// for scripts, and errors as one readable message (never a stack trace).
import { ApiError, ConnectionError } from '../../client/index.ts'
import { ConfigFileError } from './config.ts'

/** Exit codes; `fsdfm --help` lists them. */
export const EXIT = {
  ok: 0,
  /** The job (or sweep) failed, or a check failed (a checksum). */
  failed: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** The job (or sweep) was cancelled. */
  cancelled: 3,
  /** The server refused the request (4xx). */
  refused: 4,
  /** The server could not be reached, or failed (5xx). */
  unreachable: 5,
} as const

export const EXIT_CODES_HELP = `exit codes:
  0  done (with --follow: the job succeeded)
  1  the job failed, or a check failed (an artifact's sha256)
  2  bad flags or arguments
  3  the job was cancelled
  4  the server refused the request (4xx; the message names the bad fields)
  5  the server could not be reached, or failed (5xx)`

/** An outcome that ends the command with a message and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

export interface Output {
  json: boolean
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(header: string[], rows: unknown[][]): string {
  const cells = [header, ...rows.map((r) => r.map(cell))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined))
  return cells
    .map((r) => r.map((c, i) => (numeric[i] ? (c ?? '').padStart(widths[i]) : (c ?? '').padEnd(widths[i]))).join('  ').trimEnd())
    .join('\n')
}

export function cell(v: unknown): string {
  if (v === null || v === undefined) return '-'
  // Five significant digits: 3.4644, 0.000975, 12346 (not 0.0009750000000001).
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(5)))
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** A duration in seconds as people read it: 42s, 3m05s, 1h02m. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '-'
  if (seconds < 10) return `${Math.max(0, seconds).toFixed(1)}s`
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/** The message and exit code for anything a command throws. */
export function describeError(err: unknown): { message: string; exitCode: number; body?: unknown } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode }
  if (err instanceof ConnectionError) return { message: `${err.message}; is the service running? (fsdfm up starts one; fsdfm login URL points at another)`, exitCode: EXIT.unreachable }
  if (err instanceof ApiError) {
    const lines = [`${err.status >= 500 ? 'the server failed' : 'the server refused the request'} (${err.status} ${err.code}): ${err.details.length ? 'bad fields:' : err.message}`]
    for (const d of err.details) lines.push(`  ${d.path}: ${d.message}`)
    if (err.hint) lines.push(`hint: ${err.hint}`)
    return {
      message: lines.join('\n'),
      exitCode: err.status >= 500 ? EXIT.unreachable : EXIT.refused,
      body: { error: { status: err.status, code: err.code, message: err.message, details: err.details } },
    }
  }
  if (err instanceof ConfigFileError) return { message: err.message, exitCode: EXIT.usage }
  const e = err as NodeJS.ErrnoException
  if (e?.code === 'ENOENT' || e?.code === 'EACCES' || e?.code === 'EISDIR') return { message: e.message, exitCode: EXIT.usage }
  return { message: e?.message ?? String(err), exitCode: EXIT.failed }
}
