// The dashboard's files at `/` (issue 15): served from its build with authentication on (they
// hold no data; the pages call /v1 with the caller's token), without shadowing the api's own
// 404s or Swagger UI; with no build the api still starts and `/` says how to make one.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/api/app.ts'
import { DASHBOARD_DIR } from '../../src/api/dashboard.ts'
import { startTestService } from '../helpers.ts'

const svc = await startTestService(t, { role: 'api', env: { FSDFM_AUTH: 'on', FSDFM_ADMIN_TOKEN: 'dashboard-test-admin-token-0123' } })

async function appAt(dashboardDir: string) {
  const app = await buildApp({ config: svc.config, store: svc.store, queues: svc.queues, dashboardDir })
  t.teardown(() => app.close())
  return app
}

t.test('the built dashboard at /, next to the api', async (t) => {
  // npm ci (prepare) and scripts/setup.sh build it; so did the test run's setup.
  const app = await appAt(DASHBOARD_DIR)
  const index = await app.inject({ method: 'GET', url: '/' })
  t.equal(index.statusCode, 200)
  t.match(index.headers['content-type'], /text\/html/)
  t.match(index.body, /<script type="module" src="app\.js"><\/script>/)
  const js = await app.inject({ method: 'GET', url: '/app.js' })
  t.equal(js.statusCode, 200, 'no token needed for the page itself')
  t.match(js.headers['content-type'], /javascript/)
  t.notMatch(js.body, /https?:\/\/(cdn|unpkg|fonts)\./, 'nothing fetched from the network at run time')
  const css = await app.inject({ method: 'GET', url: '/app.css' })
  t.equal(css.statusCode, 200)
  t.match(css.body, /\.uplot/, 'uPlot’s stylesheet bundled in')
  const missing = await app.inject({ method: 'GET', url: '/no-such-file.js' })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().error.code, 'not_found', 'an unknown path is still the api’s 404')
  t.equal((await app.inject({ method: 'GET', url: '/v1/jobs' })).statusCode, 401, 'the data still needs a token')
  t.equal((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200, 'Swagger UI stays at /docs')
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, unknown> }
  t.notOk(Object.keys(doc.paths).some((p) => !p.startsWith('/v1/') && !['/health', '/ready', '/metrics'].includes(p)), 'the static files are not in the API document')
})

t.test('without a build the api starts and / says how to build it', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'fsdfm-no-dashboard-'))
  t.teardown(() => rmSync(empty, { recursive: true, force: true }))
  const app = await appAt(empty)
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 503)
  t.match(res.headers['content-type'], /text\/plain/)
  t.match(res.body, /npm run build:web/)
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200)
})
