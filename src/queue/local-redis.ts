// The embedded default: without REDIS_URL the CLI runs a private redis-server on a unix
// socket inside the data directory (no TCP port, nothing reachable from outside), persisting
// to an append-only file there.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'

export class RedisUnavailableError extends Error {
  constructor() {
    super(
      'REDIS_URL is not set and no redis-server binary was found on PATH.\n' +
        '  Install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)\n' +
        '  or point the service at one: export REDIS_URL=redis://127.0.0.1:6379',
    )
    this.name = 'RedisUnavailableError'
  }
}

export interface LocalRedis {
  url: string
  /** The child we started, or null when a private server from an earlier run was already answering. */
  child: ChildProcess | null
  stop(): Promise<void>
}

async function answers(socket: string): Promise<boolean> {
  if (!existsSync(socket)) return false
  const client = new Redis({ path: socket, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => {})
  try {
    await client.connect()
    return (await client.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

export function redisServerAvailable(bin = 'redis-server'): boolean {
  return spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0
}

export async function startLocalRedis(dataDir: string, bin = 'redis-server'): Promise<LocalRedis> {
  mkdirSync(dataDir, { recursive: true })
  const socket = join(dataDir, 'redis.sock')
  const url = `unix://${socket}`
  if (await answers(socket)) return { url, child: null, stop: async () => {} }
  if (!redisServerAvailable(bin)) throw new RedisUnavailableError()
  const child = spawn(
    bin,
    // Append-only file under the data directory: queued jobs survive a restart. (The store could
    // rebuild them anyway; persistence keeps their BullMQ order and saves the reconciliation.)
    ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dataDir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--daemonize', 'no'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  const deadline = Date.now() + 10_000
  while (!(await answers(socket))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`)
    if (Date.now() > deadline) {
      child.kill()
      throw new Error('redis-server did not answer within 10 s')
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null) return
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))])
    },
  }
}
