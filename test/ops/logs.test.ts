// Structured logs: a real `fsdfm up` process (api and worker) with FSDFM_LOG_FORMAT=json runs a
// job and answers requests; every line it writes on stdout is one JSON object with a level, a
// time and a message, lines about the job carry its id and attempt (Python's lines relayed by
// the worker too), and request lines carry Fastify's request id. Then the pretty form and how
// `auto` chooses between the two.
import { randomUUID } from 'node:crypto'
import { PassThrough } from 'node:stream'
import t from 'tap'
import { createLogger, inContainer, resolveLogFormat } from '../../src/util/log.ts'
import { Api, isolate, tinySample } from '../helpers.ts'
import { spawnFsdfm } from '../faults/procs.ts'

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal']

t.test('fsdfm up with FSDFM_LOG_FORMAT=json: every stdout line is a JSON log line', async (t) => {
  const iso = isolate(t, { FSDFM_LOG_FORMAT: 'json' })
  const up = spawnFsdfm(t, 'up', iso.env)
  await up.waitFor(/api: http:\/\/[^\s"]+/, 120_000)
  const api = new Api(/api: (http:\/\/[^\s"]+)/.exec(up.stdout)![1])
  const job = await api.waitFor((await api.submit(tinySample())).id)
  t.equal(job.state, 'succeeded', 'the job ran')
  const missing = randomUUID()
  t.equal((await api.get(`/v1/jobs/${missing}`)).status, 404)
  up.child.kill('SIGTERM')
  t.equal((await up.exited).code, 0, 'the service stopped on SIGTERM')

  const lines = up.stdout.split('\n').filter((l) => l.length > 0)
  type Line = Record<string, any>
  const parsed: Line[] = []
  for (const line of lines) {
    try {
      parsed.push(JSON.parse(line) as Line)
    } catch {
      t.fail(`not JSON: ${line}`)
    }
  }
  t.ok(parsed.length > 10, `${parsed.length} lines`)
  const bad = parsed.filter((o) => !LEVELS.includes(o.level) || typeof o.msg !== 'string' || Number.isNaN(Date.parse(o.time)))
  t.strictSame(bad, [], 'every line has a level name, an ISO time and a message')

  const jobLines = parsed.filter((o) => o.jobId === job.id)
  t.ok(jobLines.some((o) => /started/.test(o.msg)), 'the worker logged the start')
  t.ok(jobLines.some((o) => /succeeded/.test(o.msg)), 'and the end')
  t.ok(jobLines.some((o) => o.source === 'python'), 'Python’s lines are relayed with the job’s id')
  t.strictSame([...new Set(jobLines.map((o) => o.attempt))], [job.attempt], 'every line about the job names its attempt')
  t.ok(jobLines.every((o) => o.component === 'worker'), 'from the worker')

  const requestLines = parsed.filter((o) => o.req || o.res)
  t.ok(requestLines.length >= 4, 'requests are logged')
  t.ok(requestLines.every((o) => typeof o.reqId === 'string' && o.reqId.length > 0), 'every request line has a reqId')
  const notFound = requestLines.find((o) => o.res?.statusCode === 404)
  t.ok(notFound, 'the 404 is logged with its status')
  const incoming = requestLines.find((o) => o.reqId === notFound?.reqId && o.req)
  t.match(incoming?.req?.url, missing, 'and its incoming line has the same reqId and the URL')
  t.ok(parsed.some((o) => o.component === 'service' && /^api: http/.test(o.msg)), 'start-up lines go through the same logger')
})

t.test('the pretty form, and how auto chooses', async (t) => {
  const out = Object.assign(new PassThrough(), { isTTY: true })
  let text = ''
  out.on('data', (d) => (text += d))
  const log = createLogger({ level: 'info', format: 'pretty', out })
  log.child({ component: 'worker', jobId: 'j1', attempt: 2 }).info('sample job started')
  log.debug('below the level')
  t.match(text, /^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[worker\] sample job started {2}jobId=j1 attempt=2\n$/, 'time, level, component, message, fields')
  t.notMatch(text, /below the level/)

  t.equal(resolveLogFormat('auto', { isTTY: false }), 'json', 'not a terminal: JSON')
  t.equal(resolveLogFormat('auto', { isTTY: true }), inContainer() ? 'json' : 'pretty', 'a terminal: pretty, unless in a container')
  t.equal(resolveLogFormat('pretty', { isTTY: false }), 'pretty', 'an explicit choice wins')
  t.ok(inContainer({ container: 'podman' }), 'a container says so in its environment')
})
