// Configuration is checked at start and documented; the CLI explains a missing Redis.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { ConfigError, ConfigSchema, loadConfig } from '../../src/config.ts'
import { PRESET_SHAPES } from '../../src/jobs/validate.ts'

t.test('defaults, overrides and errors naming the variable', async (t) => {
  const c = loadConfig({}, {})
  t.equal(c.FSDFM_PORT, 8080)
  t.equal(c.FSDFM_HOST, '127.0.0.1')
  t.match(c.artifactDir, /\.data\/artifacts$/)
  t.strictSame(c.gpuList, [])
  t.strictSame(loadConfig({ FSDFM_GPUS: '1,2' }, {}).gpuList, [1, 2])
  t.equal(loadConfig({}, { FSDFM_PORT: '9000' }).FSDFM_PORT, 9000)
  t.equal(loadConfig({ FSDFM_PORT: '9001' }, { FSDFM_PORT: '9000' }).FSDFM_PORT, 9001, 'flags beat the environment')
  for (const [key, value] of [['FSDFM_PORT', 'eighty'], ['FSDFM_GPUS', 'zero'], ['FSDFM_LOG_LEVEL', 'loud'], ['FSDFM_POLL_MS', '1']] as const) {
    try {
      loadConfig({}, { [key]: value })
      t.fail(`${key}=${value} accepted`)
    } catch (err) {
      t.ok(err instanceof ConfigError)
      t.match((err as Error).message, key, `the message names ${key}`)
    }
  }
  t.throws(() => loadConfig({ FSDFM_ARTIFACTS: 'remote' }, {}), { name: 'ConfigError', message: /FSDFM_API_URL/ }, 'a remote-artifact worker must name its api')
  t.match(loadConfig({ FSDFM_ARTIFACTS: 'remote', FSDFM_API_URL: 'http://api:8080' }, {}).artifactCache, /\.data\/artifact-cache$/)
})

t.test('the README documents every variable', async (t) => {
  const readme = readFileSync('README.md', 'utf8')
  for (const key of Object.keys(ConfigSchema.properties)) t.match(readme, `| \`${key}\` |`, `${key} is in the README table`)
})

t.test('the model size presets agree with the Python package', async (t) => {
  const py = process.env.PYTHON_BIN || '/usr/bin/python3'
  const out = execFileSync(py, ['-c', 'import json; from fsdfm.model import PRESETS; print(json.dumps({k: dict(hidden=v["hidden"], blocks=v["blocks"], heads=v["heads"], condDim=v["cond_dim"]) for k, v in PRESETS.items()}))'], {
    cwd: 'python',
    env: { ...process.env, PYTHONPATH: '.' },
  })
  t.strictSame(JSON.parse(out.toString()), PRESET_SHAPES)
})

t.test('without REDIS_URL and without redis-server the CLI says how to get Redis', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fsdfm-noredis-'))
  const res = spawnSync(process.execPath, ['bin/fsdfm.js', 'up', '--port', '0'], {
    env: { PATH: '/nonexistent', HOME: process.env.HOME, FSDFM_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  })
  t.equal(res.status, 1)
  t.match(res.stderr, /redis-server/)
  t.match(res.stderr, /REDIS_URL/)
  t.match(res.stderr, /apt-get install redis-server/)
})

t.test('a separate worker without PostgreSQL is refused with the reason', async (t) => {
  const res = spawnSync(process.execPath, ['bin/fsdfm.js', 'worker'], { env: { ...process.env, DATABASE_URL: '', REDIS_URL: 'redis://127.0.0.1:6379' }, encoding: 'utf8', timeout: 60_000 })
  t.equal(res.status, 1)
  t.match(res.stderr, /DATABASE_URL/)
})
