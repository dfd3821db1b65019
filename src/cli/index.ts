// The `fsdfm` command: up (api + one worker, embedded defaults), api, worker, openapi.
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig, type RawConfig } from '../config.ts'
import { RedisUnavailableError } from '../queue/local-redis.ts'
import { runDemo } from './demo.ts'
import { EmbeddedStoreError, startServices, type Role } from './services.ts'
import { writeOpenApi } from './openapi.ts'

const USAGE = `usage: fsdfm <command> [flags]

commands:
  up        the api and one worker in one process, on embedded defaults (PGlite, private Redis)
  api       the REST api only (workers elsewhere share its Redis and PostgreSQL)
  worker    one worker (needs DATABASE_URL shared with the api)
  openapi   write the OpenAPI document to openapi/openapi.json (or --out FILE)

flags (each overrides the environment variable in brackets):
  --host ADDR          [FSDFM_HOST]        default 127.0.0.1
  --port N             [FSDFM_PORT]        default 8080
  --data-dir DIR       [FSDFM_DATA_DIR]    default .data
  --artifact-dir DIR   [FSDFM_ARTIFACT_DIR]
  --database-url URL   [DATABASE_URL]      default: PGlite under the data dir
  --redis-url URL      [REDIS_URL]         default: private redis-server in the data dir
  --gpus LIST          [FSDFM_GPUS]        worker GPUs, e.g. 0 or 1,2; empty: CPU worker
  --python PATH        [PYTHON_BIN]
  --demo               (up) submit a demo pipeline: Brown dataset -> tiny pretrain -> sample
  --exit-after-demo    (up --demo) stop once the demo finished (exit code 0 on success)
  -h, --help
See README.md "Configuration" for every variable.`

const FLAG_TO_ENV: Record<string, keyof RawConfig> = {
  host: 'FSDFM_HOST',
  port: 'FSDFM_PORT',
  'data-dir': 'FSDFM_DATA_DIR',
  'artifact-dir': 'FSDFM_ARTIFACT_DIR',
  'database-url': 'DATABASE_URL',
  'redis-url': 'REDIS_URL',
  gpus: 'FSDFM_GPUS',
  python: 'PYTHON_BIN',
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...Object.fromEntries(Object.keys(FLAG_TO_ENV).map((k) => [k, { type: 'string' as const }])),
      demo: { type: 'boolean' },
      'exit-after-demo': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const command = positionals[0]
  if (values.help || !command) {
    console.log(USAGE)
    return command || values.help ? 0 : 2
  }
  const overrides: Partial<Record<keyof RawConfig, string>> = {}
  for (const [flag, env] of Object.entries(FLAG_TO_ENV)) {
    const v = (values as Record<string, unknown>)[flag]
    if (typeof v === 'string') overrides[env] = v
  }

  if (command === 'openapi') {
    const file = await writeOpenApi(typeof values.out === 'string' ? values.out : 'openapi/openapi.json')
    console.log(`wrote ${file}`)
    return 0
  }
  if (!['up', 'api', 'worker'].includes(command)) {
    console.error(`unknown command: ${command}\n\n${USAGE}`)
    return 2
  }
  const config = loadConfig(overrides)
  const services = await startServices(config, command as Role)
  let stopping = false
  const stop = async (code: number) => {
    if (stopping) {
      // A second signal: stop at once (a running job resumes from its last checkpoint elsewhere).
      console.error('fsdfm: stopping now')
      process.exit(1)
    }
    stopping = true
    if (services.worker) console.error(`fsdfm: stopping; running jobs checkpoint and go back to the queue (at most ${config.FSDFM_STOP_TIMEOUT_MS / 1000} s; signal again to stop now)`)
    await services.shutdown()
    process.exit(code)
  }
  process.on('SIGINT', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))
  if (command === 'up' && values.demo) {
    const ok = await runDemo(services.baseUrl!)
    if (values['exit-after-demo']) await stop(ok ? 0 : 1)
  }
  return -1 // keep running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (err) => {
    if (err instanceof ConfigError || err instanceof RedisUnavailableError || err instanceof EmbeddedStoreError) console.error(`fsdfm: ${err.message}`)
    else console.error(err)
    process.exit(1)
  },
)
