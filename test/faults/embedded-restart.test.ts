// Fault drill: `fsdfm up` on its embedded defaults (PGlite and a private Redis) stopped with
// jobs queued and started again. The private Redis persists them; and if its files are lost,
// the store still has the jobs and puts them back on the queue at start.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { startServices } from '../../src/cli/services.ts'
import { loadConfig } from '../../src/config.ts'
import { Api, tinySample } from '../helpers.ts'

async function embedded(dataDir: string, role: 'api' | 'up') {
  const config = loadConfig({ FSDFM_DATA_DIR: dataDir, FSDFM_PORT: 0, FSDFM_POLL_MS: 100, PYTHON_BIN: process.env.PYTHON_BIN ?? '' }, {})
  const services = await startServices(config, role, { log: () => {} })
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
