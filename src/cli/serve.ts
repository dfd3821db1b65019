// The commands that run the service here: up (api and one worker, embedded defaults), api,
// worker. Flags override the environment; the process runs until a signal. The service's
// modules load only when one of these runs, so the client commands start quickly.
import type { RawConfig } from '../config.ts'
import type { Role } from './services.ts'

/** Each flag and the variable it overrides. */
export const SERVER_FLAGS: { flag: string; env: keyof RawConfig; arg: string; help: string }[] = [
  { flag: 'host', env: 'FSDFM_HOST', arg: 'ADDR', help: 'address the api listens on (default 127.0.0.1)' },
  { flag: 'port', env: 'FSDFM_PORT', arg: 'N', help: 'port the api listens on (default 8080; 0 picks a free one)' },
  { flag: 'data-dir', env: 'FSDFM_DATA_DIR', arg: 'DIR', help: 'embedded store, private Redis socket, artifacts (default .data)' },
  { flag: 'artifact-dir', env: 'FSDFM_ARTIFACT_DIR', arg: 'DIR', help: 'job outputs (default <data dir>/artifacts)' },
  { flag: 'database-url', env: 'DATABASE_URL', arg: 'URL', help: 'PostgreSQL (default: PGlite under the data dir)' },
  { flag: 'redis-url', env: 'REDIS_URL', arg: 'URL', help: 'Redis (default: a private redis-server in the data dir)' },
  { flag: 'gpus', env: 'FSDFM_GPUS', arg: 'LIST', help: 'worker GPUs, e.g. 0 or 1,2 (default: a CPU worker)' },
  { flag: 'python', env: 'PYTHON_BIN', arg: 'PATH', help: 'Python with PyTorch' },
  // The token has no flag: a command line is visible to every user of the machine.
  { flag: 'artifacts', env: 'FSDFM_ARTIFACTS', arg: 'MODE', help: 'worker: local (the shared artifact directory, default) or remote (through the api at --api-url)' },
  { flag: 'api-url', env: 'FSDFM_API_URL', arg: 'URL', help: 'worker with --artifacts remote: the api (token: FSDFM_API_TOKEN or FSDFM_API_TOKEN_FILE)' },
]

const camel = (flag: string) => flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())

/** The variables a command's flags set, by commander's option names. */
export function serverOverrides(options: Record<string, unknown>): Partial<Record<keyof RawConfig, string>> {
  const overrides: Partial<Record<keyof RawConfig, string>> = {}
  for (const { flag, env } of SERVER_FLAGS) {
    const v = options[camel(flag)]
    if (typeof v === 'string') overrides[env] = v
  }
  return overrides
}

/** Starts the service in this process and keeps it running until SIGINT/SIGTERM. */
export async function serve(role: Role, options: Record<string, unknown>): Promise<void> {
  const [{ loadConfig }, { startServices }, { runDemo }, { resolveLogFormat }] = await Promise.all([import('../config.ts'), import('./services.ts'), import('./demo.ts'), import('../util/log.ts')])
  const config = loadConfig({ ...serverOverrides(options), ...(options.slurm ? { FSDFM_WORKER_MODE: 'slurm' } : {}) })
  const services = await startServices(config, role)
  const log = services.log.child({ component: 'service' })
  let stopping = false
  const stop = async (code: number) => {
    if (stopping) {
      // A second signal: stop at once (a running job resumes from its last checkpoint elsewhere).
      log.warn('stopping now')
      process.exit(1)
    }
    stopping = true
    if (services.worker) log.info(`stopping; running jobs checkpoint and go back to the queue (at most ${config.FSDFM_STOP_TIMEOUT_MS / 1000} s; signal again to stop now)`)
    await services.shutdown()
    process.exit(code)
  }
  process.on('SIGINT', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))
  if (role === 'up' && options.demo) {
    // People read the demo: plain lines on a terminal, log lines where the service logs JSON.
    const demo = services.log.child({ component: 'demo' })
    const ok =
      resolveLogFormat(config.FSDFM_LOG_FORMAT) === 'pretty'
        ? await runDemo(services.baseUrl!)
        : await runDemo(services.baseUrl!, (m) => demo.info(m.trim()), (m) => demo.error(m))
    if (options.exitAfterDemo) await stop(ok ? 0 : 1)
  }
}
