// The metric names have one home (src/api/prometheus/metrics.ts); the README's "Operating it"
// section, the Grafana dashboard and the docs must not drift from it.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { DEFAULT_METRIC_PREFIXES, METRIC_NAMES, METRICS } from '../../src/api/prometheus/metrics.ts'

const readme = readFileSync('README.md', 'utf8')
const start = readme.indexOf('\n## Operating it\n')
const section = readme.slice(start, readme.indexOf('\n## ', start + 1))

t.test('every metric is listed in the README’s "Operating it" with its labels', async (t) => {
  t.ok(start > 0, 'the README has an "Operating it" section')
  for (const m of Object.values(METRICS)) {
    const row = section.split('\n').find((line) => line.startsWith(`| \`${m.name}\` |`))
    t.ok(row, `${m.name} has a row`)
    for (const label of m.labels) t.match(row ?? '', `\`${label}\``, `${m.name}: label ${label} is documented`)
  }
  for (const prefix of DEFAULT_METRIC_PREFIXES) t.match(section, `\`${prefix}*\``, `Node's default metrics (${prefix}*) are mentioned`)
  const documented = [...section.matchAll(/^\| `(fsdfm_[a-z_]+)` \|/gm)].map((m) => m[1])
  t.strictSame(documented.sort(), [...METRIC_NAMES].sort(), 'and the table lists no metric that is not served')
})

t.test('the Grafana dashboard queries only served metrics', async (t) => {
  const dashboard = JSON.parse(readFileSync('docker/grafana/dashboards/fsdfm.json', 'utf8'))
  const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((x) => x.expr))
  const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\bfsdfm_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''))))
  for (const name of used) t.ok(METRIC_NAMES.includes(name), `${name} is a served metric`)
  for (const name of ['fsdfm_jobs', 'fsdfm_queue_waiting', 'fsdfm_queue_oldest_wait_seconds', 'fsdfm_job_run_seconds', 'fsdfm_http_request_duration_seconds', 'fsdfm_job_loss', 'fsdfm_job_tokens_per_second'])
    t.ok(used.has(name), `a panel shows ${name}`)
})
