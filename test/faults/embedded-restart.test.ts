// Fault drill: `fsdfm up` on its embedded defaults (PGlite and a private Redis) stopped with
// jobs queued and started again. The private Redis persists them; and if its files are lost,
// the store still has the jobs and puts them back on the queue at start.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { startServices } from '../../src/cli/services.ts'
import { loadConfig } from '../../src/config.ts'
import { LOCK_FILE } from '../../src/store/dir-lock.ts'
import { Api, testLogger, tinySample } from '../helpers.ts'
import { spawnFsdfm } from './procs.ts'

async function embedded(dataDir: string, role: 'api' | 'up') {
  const config = loadConfig({ FSDFM_DATA_DIR: dataDir, FSDFM_PORT: 0, FSDFM_POLL_MS: 100, PYTHON_BIN: process.env.PYTHON_BIN ?? '' }, {})
  const services = await startServices(config, role, { log: testLogger() })
  return { services, api: new Api(services.baseUrl!) }
}

for (const lose of [false, true]) {
  t.test(`queued jobs survive a clean restart${lose ? ', even when Redis lost its files' : ''}`, async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fsdfm-embedded-'))
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
    // The api alone: nothing runs the jobs yet.
    const first = await embedded(dataDir, 'api')
    const jobs = []
    for (let i = 0; i < 5; i++) jobs.push(await first.api.submit(tinySample({ seed: i })))
    await first.services.close()
    if (lose) rmSync(join(dataDir, 'appendonlydir'), { recursive: true, force: true })

    const second = await embedded(dataDir, 'up')
    t.teardown(() => second.services.close())
    for (const job of jobs) {
      const done = await second.api.waitFor(job.id)
      t.equal(done.state, 'succeeded', JSON.stringify(done.error))
      t.equal(done.attempt, 1)
    }
  })
}

t.test('a second process on the same data directory is refused, naming the first; a dead one’s lock is taken over (fsdfm api: the same store opening as up, without Python)', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fsdfm-embedded-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const env = { FSDFM_DATA_DIR: dataDir, FSDFM_PORT: '0', DATABASE_URL: '', REDIS_URL: '', FSDFM_ARTIFACT_DIR: '' }
  const lockFile = join(dataDir, 'pglite', LOCK_FILE)
  const first = spawnFsdfm(t, 'api', env)
  await first.waitFor(/api: http/, 120_000)
  const second = spawnFsdfm(t, 'api', env)
  const { code } = await second.exited
  t.not(code, 0, 'the second exits with an error')
  t.match(second.output, new RegExp(`in use by process ${first.child.pid}`), 'and names the process that holds the directory')
  t.match(second.output, /FSDFM_DATA_DIR/, 'and says what to do')
  t.ok(first.running, 'the first runs on, untouched')
  const api = new Api(/api: (http\S+)/.exec(first.output)![1])
  t.equal((await api.submit(tinySample())).state, 'queued', 'and still answers')

  // A clean stop releases the directory.
  first.child.kill('SIGTERM')
  await first.exited
  t.notOk(existsSync(lockFile), 'a clean stop removes its lock')
  // A process that died without cleaning up leaves its lock (SIGKILL here would also orphan the
  // private Redis, which is another drill's business): a lock naming a pid that has exited.
  const dead = spawn(process.execPath, ['-e', ''])
  await new Promise((r) => dead.once('exit', r))
  writeFileSync(lockFile, JSON.stringify({ pid: dead.pid, host: hostname(), boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), startedAt: new Date().toISOString(), argv: 'bin/fsdfm.js up' }))
  const third = spawnFsdfm(t, 'api', env)
  await third.waitFor(/api: http/, 120_000)
  t.ok(third.running, 'a start after a crash is not refused')
  third.child.kill('SIGTERM')
  await third.exited
})
