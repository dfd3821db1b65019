// Where the command line finds its server: --url/--token, else FSDFM_URL/FSDFM_TOKEN, else what
// `fsdfm login` saved in the per-user config file, else the local default.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'

export const DEFAULT_URL = 'http://127.0.0.1:8080'

export interface Saved {
  url?: string
  token?: string
}

/** $FSDFM_CONFIG, else $XDG_CONFIG_HOME/fsdfm/config.json, else ~/.config/fsdfm/config.json. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FSDFM_CONFIG) return env.FSDFM_CONFIG
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'fsdfm', 'config.json')
}

export class ConfigFileError extends Error {
  constructor(path: string, why: string) {
    super(`the config file ${path} ${why}; fix it or run fsdfm login again`)
    this.name = 'ConfigFileError'
  }
}

export function readSaved(path = configPath()): Saved {
  if (!existsSync(path)) return {}
  let value: unknown
  try {
    value = JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    throw new ConfigFileError(path, 'is not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigFileError(path, 'does not hold an object')
  const { url, token } = value as Record<string, unknown>
  return { url: typeof url === 'string' ? url : undefined, token: typeof token === 'string' ? token : undefined }
}

/** Saves atomically and readable by the user alone: it may hold a token. */
export function writeSaved(saved: Saved, path = configPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(saved, null, 2) + '\n', { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, path)
}

export interface Target {
  url: string
  token?: string
  /** Where the URL came from, for messages. */
  from: 'flag' | 'environment' | 'config file' | 'default'
}

export function resolveTarget(flags: { url?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): Target {
  const saved = flags.url && flags.token ? {} : readSaved(configPath(env))
  const token = flags.token ?? env.FSDFM_TOKEN ?? saved.token
  if (flags.url) return { url: flags.url, token, from: 'flag' }
  if (env.FSDFM_URL) return { url: env.FSDFM_URL, token, from: 'environment' }
  if (saved.url) return { url: saved.url, token, from: 'config file' }
  return { url: DEFAULT_URL, token, from: 'default' }
}
