// What every command that talks to a server shares: the --url/--token/--json flags, the client
// they make, and reading a spec file.
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { parse as parseYaml } from 'yaml'
import { ApiError, FsdfmClient } from '../../client/index.ts'
import { resolveTarget, type Target } from './config.ts'
import { CliError, EXIT } from './output.ts'

/** A command's handler: its result is the exit code. */
export type Run = (...args: never[]) => Promise<number>
/** Wraps a handler for commander (src/cli/index.ts): errors printed, the result the exit code. */
export type Action = (fn: Run) => (...args: unknown[]) => Promise<void>

export interface RemoteFlags {
  url?: string
  token?: string
  json?: boolean
}

/** Adds --url, --token and --json to a command that talks to a server. */
export function remote(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'server URL (default: $FSDFM_URL, else the one `fsdfm login` saved, else http://127.0.0.1:8080)')
    .option('--token <token>', 'API token, sent as Authorization: Bearer (default: $FSDFM_TOKEN, else the saved one)')
    .option('--json', 'print JSON for scripts instead of tables')
}

export function clientFor(flags: RemoteFlags): { client: FsdfmClient; target: Target } {
  const target = resolveTarget(flags)
  return { client: new FsdfmClient({ url: target.url, token: target.token }), target }
}

/** A JSON or YAML file (or `-` for standard input) holding one object. */
export function readSpecFile(file: string): Record<string, unknown> {
  const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8')
  let value: unknown
  try {
    // YAML is a superset of JSON: one parser reads both.
    value = parseYaml(text)
  } catch (err) {
    throw new CliError(`${file} is neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`, EXIT.usage)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${file} must hold one object (a job or a sweep), not ${Array.isArray(value) ? 'a list' : typeof value}`, EXIT.usage)
  return value as Record<string, unknown>
}

/**
 * Calls `fn`; a route this server does not have (its catch-all 404 says "no route") becomes a
 * clear statement that the server does not offer `what` yet.
 */
export async function offered<T>(what: string, url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && /^no route /.test(err.message))
      throw new CliError(`the server at ${url} does not offer ${what} yet (it has no such endpoint)`, EXIT.refused)
    throw err
  }
}

/** A job id, or a unique prefix of one among the latest jobs (ids are long to type). */
export async function resolveJobId(client: FsdfmClient, idOrPrefix: string): Promise<string> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrPrefix)) return idOrPrefix
  if (!/^[0-9a-f-]{4,35}$/i.test(idOrPrefix)) throw new CliError(`${JSON.stringify(idOrPrefix)} is not a job id (a UUID, or at least its first 4 characters)`, EXIT.usage)
  const { data, error, response } = await client.api.GET('/v1/jobs', { params: { query: { limit: 500 } } })
  if (error || !data) throw new ApiError(response.status, error, `${response.status}`)
  const matches = data.items.filter((j) => j.id.startsWith(idOrPrefix.toLowerCase()))
  if (matches.length === 1) return matches[0].id
  throw new CliError(matches.length ? `${idOrPrefix} matches ${matches.length} jobs; give more of the id` : `no recent job id starts with ${idOrPrefix}`, EXIT.usage)
}
