// GET /metrics as Prometheus sees it: a real Prometheus server (Debian's `prometheus`; scripts/
// test.sh installs it; ./prometheus-server.ts starts it) scrapes the test service every second
// with the deployment's own scrape config (docker/prometheus.yml: bearer token from a file), and
// PromQL over its HTTP API must find the job this test ran. Before that, a direct scrape: every
// documented metric is served, and with authentication on only a superuser or a project admin
// may read them.
import t from 'tap'
import { DEFAULT_METRIC_PREFIXES, METRIC_NAMES } from '../../src/api/prometheus/metrics.ts'
import { eventually, startTestService, tinySample } from '../helpers.ts'
import { prometheusMissing, shippedConfig, startPrometheus } from './prometheus-server.ts'

const ADMIN = 'fsdfm_prometheus_test_superuser_token'
const svc = await startTestService(t, { env: { FSDFM_AUTH: 'on', FSDFM_ADMIN_TOKEN: ADMIN, FSDFM_RATE_LIMIT: '0' } })
const root = svc.api.as(ADMIN)

/** A token with `role` in a project of its own. */
async function tokenWith(role: string): Promise<string> {
  const project = `p-${role}`
  if ((await root.request('PUT', `/v1/projects/${project}`, undefined, undefined, {})).status !== 200) throw new Error(`project ${project}`)
  const made = await root.post('/v1/tokens', { name: `${role}-token`, grants: [{ project, role }] })
  if (made.status !== 201) throw new Error(`token: ${JSON.stringify(made.body)}`)
  return made.body.token as string
}

const scrape = (token?: string) => fetch(`${svc.baseUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} })

t.test('a direct scrape: who may read it, and every metric is there', async (t) => {
  const anonymous = await scrape()
  t.equal(anonymous.status, 401, 'no token: 401')
  t.equal((await anonymous.json()).error.code, 'unauthorized')
  t.equal(anonymous.headers.get('www-authenticate'), 'Bearer')
  t.equal((await scrape('fsdfm_not_a_token')).status, 401, 'an unknown token: 401')
  for (const role of ['viewer', 'member']) {
    const res = await scrape(await tokenWith(role))
    t.equal(res.status, 403, `a project ${role}: 403`)
    t.equal((await res.json()).error.code, 'forbidden')
  }
  t.equal((await scrape(await tokenWith('admin'))).status, 200, 'a project admin reads them')
  t.equal((await fetch(`${svc.baseUrl}/health`)).status, 200, '/health stays open')
  t.equal((await fetch(`${svc.baseUrl}/docs/json`)).status, 200, '/docs stays open')

  // Two refused submissions, counted by their error code.
  t.equal((await svc.api.post('/v1/jobs', tinySample())).status, 401)
  t.equal((await root.post('/v1/jobs', { kind: 'sample', spec: { steps: 0 } })).status, 400)

  const res = await scrape(ADMIN)
  t.equal(res.status, 200, 'a superuser reads them')
  t.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/, 'the text exposition format')
  const text = await res.text()
  const typed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]))
  for (const name of METRIC_NAMES) t.ok(typed.has(name), `${name} is served`)
  for (const prefix of DEFAULT_METRIC_PREFIXES) t.ok([...typed].some((n) => n.startsWith(prefix)), `Node's default metrics (${prefix}*)`)
  t.match(text, /^# TYPE fsdfm_job_run_seconds histogram$/m, 'the run-time histogram is typed a histogram')
  t.match(text, /^fsdfm_metrics_source_up\{source="store"\} 1$/m, 'the store answered')
  t.match(text, /^fsdfm_metrics_source_up\{source="redis"\} 1$/m, 'Redis answered')
  t.match(text, /^fsdfm_worker_live\{worker="[^"]+",host="[^"]+"\} 1$/m, 'the worker of this service is live')
  t.match(text, /^fsdfm_job_submission_refusals_total\{code="unauthorized"\} 1$/m, 'a submission without a token is counted as refused: unauthorized')
  t.match(text, /^fsdfm_job_submission_refusals_total\{code="invalid_request"\} 1$/m, 'and one with a bad field: invalid_request')
})

const skip = prometheusMissing()

t.test('a real Prometheus scrapes the service and answers PromQL over it', { skip }, async (t) => {
  // The deployment's scrape config, pointed at this service, every second, with a token file.
  t.equal(shippedConfig().scrape_configs[0].authorization.credentials_file, '/run/secrets/admin-token', 'the shipped config reads the token compose mounts')
  const prom = await startPrometheus(t, { target: new URL(svc.baseUrl!).host, token: ADMIN })
  t.ok(prom.ready, `Prometheus is ready${prom.ready ? '' : `; ${prom.stderr()}`}`)
  const { query, value } = prom

  const sample = await root.waitFor((await root.submit(tinySample())).id)
  t.equal(sample.state, 'succeeded', 'a tiny sample job ran')

  // Scrapes after the job ended carry it; wait until one has been taken.
  const succeeded = 'fsdfm_jobs{job="fsdfm",kind="sample",state="succeeded"}'
  await eventually(
    () => value(succeeded),
    (v) => v !== null && v >= 1,
    60_000,
  )
  t.equal(await value('up{job="fsdfm"}'), 1, 'the target is up: Prometheus sent the token')
  t.ok(((await value(succeeded)) ?? 0) >= 1, 'PromQL counts the succeeded sample job')
  t.ok(((await value('fsdfm_job_run_seconds_count{kind="sample",state="succeeded"}')) ?? 0) >= 1, 'its run time is in the histogram')
  const median = await value('histogram_quantile(0.5, max by (le) (fsdfm_job_run_seconds_bucket{kind="sample",state="succeeded"}))')
  t.ok(median !== null && median > 0, `histogram_quantile over the run times: median ${median} s`)
  t.ok(((await value('sum(fsdfm_job_submissions_total{kind="sample"})')) ?? 0) >= 1, 'the submission was counted')
  const depth = await query('fsdfm_queue_waiting')
  t.strictSame(depth.map((r) => r.metric.queue).sort(), ['cpu', 'data'], 'a queue-depth series per queue')
  t.ok((await query('fsdfm_http_request_duration_seconds_count{route="/v1/jobs",method="POST",status_class="2xx"}')).length > 0, 'the HTTP latency of POST /v1/jobs')
  t.equal(await value('max(fsdfm_worker_live)'), 1, 'the worker is live')
})
