// The one logger of every service process (api, worker, dispatcher, sweeps), built on pino (what
// Fastify logs with, so request lines and ours share one format). Lines about a job carry its
// `jobId` and `attempt`, request lines Fastify's `reqId`, each part its `component`. JSON, one
// object a line, where a machine reads the output (not a terminal, or inside a container); a
// short human form on a terminal. FSDFM_LOG_FORMAT chooses explicitly.
import { existsSync } from 'node:fs'
import { pino, type DestinationStream, type Logger } from 'pino'

export type { Logger }
export type LogFormat = 'json' | 'pretty'

/** Whether this process runs in a container (Docker, Podman, Kubernetes): its output goes to a log collector. */
export function inContainer(env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync('/.dockerenv') || existsSync('/run/.containerenv') || !!env.container || !!env.KUBERNETES_SERVICE_HOST
}

/** `auto`: pretty on a terminal outside containers, JSON everywhere else. */
export function resolveLogFormat(setting: 'json' | 'pretty' | 'auto', out: { isTTY?: boolean } = process.stdout): LogFormat {
  if (setting !== 'auto') return setting
  return out.isTTY && !inContainer() ? 'pretty' : 'json'
}

/** Fields every JSON line has, which the pretty form shows in its own places or leaves out. */
const FIXED = new Set(['level', 'time', 'msg', 'pid', 'hostname'])

const LEVEL_WIDTH = 5

/** One JSON line as `HH:MM:SS.mmm LEVEL [component] msg key=value …` (an error with its stack). */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>
  try {
    o = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`
  }
  const time = typeof o.time === 'string' ? o.time.slice(11, 23) : ''
  const level = String(o.level ?? '').toUpperCase().padEnd(LEVEL_WIDTH)
  const component = typeof o.component === 'string' ? `[${o.component}] ` : ''
  let stack = ''
  const extras: string[] = []
  for (const [key, value] of Object.entries(o)) {
    if (FIXED.has(key) || key === 'component') continue
    if (key === 'err' && value && typeof value === 'object' && 'stack' in value) {
      stack = `\n    ${String((value as { stack: unknown }).stack).replace(/\n/g, '\n    ')}`
      continue
    }
    extras.push(`${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`)
  }
  return `${time} ${level} ${component}${String(o.msg ?? '')}${extras.length ? `  ${extras.join(' ')}` : ''}${stack}\n`
}

/** A destination that writes each JSON line pino makes in the pretty form. */
function prettyStream(out: NodeJS.WritableStream): DestinationStream {
  return { write: (line: string) => void out.write(prettyLine(line)) }
}

export interface LoggerOptions {
  level: string
  format: 'json' | 'pretty' | 'auto'
  /** Where lines go (default stdout). */
  out?: NodeJS.WritableStream & { isTTY?: boolean }
}

export function createLogger(opts: LoggerOptions): Logger {
  const out = opts.out ?? process.stdout
  const format = resolveLogFormat(opts.format, out)
  return pino(
    {
      level: opts.level,
      // Level names rather than pino's numbers, and ISO times: read by people and collectors alike.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    format === 'pretty' ? prettyStream(out) : out,
  )
}

/** A logger that writes nothing (tests, and callers that pass none). */
export const silentLogger = (): Logger => pino({ level: 'silent' })
