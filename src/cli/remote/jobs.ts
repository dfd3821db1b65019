// Jobs from the command line: submit (and follow), list, get, cancel, rm, logs, metrics, artifacts.
import { createHash } from 'node:crypto'
import { createWriteStream, renameSync, rmSync } from 'node:fs'
import { basename } from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Option, type Command } from 'commander'
import { ApiError, unwrap, type FsdfmClient, type Job, type JobCreate, type JobKind, type JobState, type Metrics } from '../../client/index.ts'
import { clientFor, offered, readSpecFile, remote, resolveJobId, type RemoteFlags, type Action } from './context.ts'
import { describeOutcome, exitCodeOf, followJob } from './follow.ts'
import { cell, CliError, duration, EXIT, printJson, table } from './output.ts'

const KINDS: JobKind[] = ['dataset', 'pretrain', 'distill', 'evaluate', 'sample']
const STATES: JobState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelling', 'cancelled']

const example = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`
const age = (iso: string) => duration((Date.now() - Date.parse(iso)) / 1000)
const positiveInt = (what: string) => (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new CliError(`${what} must be a whole number, not ${JSON.stringify(v)}`, EXIT.usage)
  return n
}

function progressOf(job: Job): string {
  const p = job.progress
  if (!p || typeof p.step !== 'number' || !p.total) return ''
  return `${p.step}/${p.total}${typeof p.loss === 'number' ? ` loss ${p.loss.toFixed(3)}` : ''}`
}

function jobRows(jobs: Job[]): string {
  return table(
    ['ID', 'KIND', 'STATE', 'NAME', 'PROGRESS', 'AGE'],
    jobs.map((j) => [j.id.slice(0, 8), j.kind, j.state + (j.unschedulable ? ' (unschedulable)' : ''), j.name ?? '', progressOf(j), age(j.createdAt)]),
  )
}

function jobDetails(job: Job): string {
  const rows: [string, unknown][] = [
    ['id', job.id],
    ['kind', job.kind],
    ['state', job.state + (job.cancelRequested && job.state !== 'cancelled' ? ' (cancel requested)' : '')],
    ['name', job.name],
    ['tags', job.tags.join(', ') || null],
    ['priority', job.priority],
    ['gpus', job.gpus],
    ['attempt', job.attempt],
    ['worker', job.worker],
    ['device', job.device],
    ['progress', progressOf(job) || null],
    ['unschedulable', job.unschedulable ?? null],
    ['created', job.createdAt],
    ['started', job.startedAt],
    ['finished', job.finishedAt],
  ]
  if (!job.unschedulable) rows.splice(rows.findIndex(([k]) => k === 'unschedulable'), 1)
  const width = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`).join('\n')
}

async function submit(options: RemoteFlags & { file: string; follow?: boolean; name?: string; tag?: string[]; priority?: number; gpus?: number }): Promise<number> {
  const body = readSpecFile(options.file)
  if (options.name !== undefined) body.name = options.name
  if (options.tag?.length) body.tags = [...((body.tags as string[] | undefined) ?? []), ...options.tag]
  if (options.priority !== undefined) body.priority = options.priority
  if (options.gpus !== undefined) body.gpus = options.gpus
  const { client } = clientFor(options)
  // The server validates the body and names every bad field; the CLI does not second-guess it.
  const job = await client.submit(body as JobCreate)
  if (!options.follow) {
    if (options.json) printJson(job)
    else console.log(`submitted ${job.kind} job ${job.id} (${job.state}${job.unschedulable ? `: ${job.unschedulable}` : ''})\nfollow it: fsdfm logs -f ${job.id.slice(0, 8)}   or: fsdfm jobs get ${job.id.slice(0, 8)}`)
    return EXIT.ok
  }
  if (!options.json) process.stderr.write(`submitted ${job.kind} job ${job.id}\n`)
  return followToEnd(client, job, options)
}

/** Follows a job to its end, prints how it ended, and returns the exit code that says so. */
async function followToEnd(client: FsdfmClient, job: Job, options: RemoteFlags): Promise<number> {
  const end = await followJob(client, job, { quiet: options.json })
  if (options.json) printJson(end)
  else console.log(describeOutcome(end))
  return exitCodeOf(end)
}

async function listJobs(options: RemoteFlags & { kind?: JobKind; state?: JobState; tag?: string; limit: number }): Promise<number> {
  const { client } = clientFor(options)
  const page = unwrap(await client.api.GET('/v1/jobs', { params: { query: { kind: options.kind, state: options.state, tag: options.tag, limit: options.limit } } }))
  if (options.json) printJson(page)
  else console.log(page.items.length ? jobRows(page.items) : 'no jobs')
  return EXIT.ok
}

async function getJob(id: string, options: RemoteFlags): Promise<number> {
  const { client } = clientFor(options)
  const job = await client.get(await resolveJobId(client, id))
  if (options.json) printJson(job)
  else console.log(`${jobDetails(job)}\n\n${describeOutcome(job)}`)
  return EXIT.ok
}

async function cancelJob(id: string, options: RemoteFlags & { wait?: boolean }): Promise<number> {
  const { client } = clientFor(options)
  let job = await client.cancel(await resolveJobId(client, id))
  if (options.wait && job.state !== 'cancelled') job = await followJob(client, job, { quiet: true })
  if (options.json) printJson(job)
  else console.log(`job ${job.id} ${job.state}${job.state === 'cancelling' ? ' (it stops within one step; --wait waits for it)' : ''}`)
  return EXIT.ok
}

/** POST /v1/jobs/{id}/rerun or /resume: a job (the new one, or this one queued again) to report or follow. */
function again(route: '/v1/jobs/{id}/rerun' | '/v1/jobs/{id}/resume', said: (job: Job, from: string) => string) {
  return async (id: string, options: RemoteFlags & { follow?: boolean }): Promise<number> => {
    const { client } = clientFor(options)
    const jobId = await resolveJobId(client, id)
    const job = unwrap(await client.api.POST(route, { params: { path: { id: jobId } } }))
    if (options.follow) return followToEnd(client, job, options)
    if (options.json) printJson(job)
    else console.log(said(job, jobId))
    return EXIT.ok
  }
}
const rerunJob = again('/v1/jobs/{id}/rerun', (job, from) => `submitted ${job.kind} job ${job.id} (a rerun of ${from})`)
const resumeJob = again('/v1/jobs/{id}/resume', (job) => `job ${job.id} queued again; it continues from its last checkpoint`)

async function removeJob(id: string, options: RemoteFlags): Promise<number> {
  const { client, target } = clientFor(options)
  const jobId = await resolveJobId(client, id)
  await offered('deleting jobs', target.url, async () => {
    const res = await client.raw(`/v1/jobs/${jobId}`, { method: 'DELETE' })
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null), `${res.status} ${res.statusText}`)
  })
  if (options.json) printJson({ id: jobId, deleted: true })
  else console.log(`deleted job ${jobId}`)
  return EXIT.ok
}

async function logs(id: string, options: RemoteFlags & { follow?: boolean; tail?: number }): Promise<number> {
  const { client } = clientFor(options)
  const jobId = await resolveJobId(client, id)
  const stop = new AbortController()
  process.once('SIGINT', () => stop.abort())
  // --json: one JSON object per line (JSON Lines), so a script can follow the log too.
  for await (const line of client.logs(jobId, { follow: options.follow, tail: options.tail, signal: stop.signal })) process.stdout.write(options.json ? `${JSON.stringify({ line })}\n` : `${line}\n`)
  if (!options.follow || stop.signal.aborted) return EXIT.ok
  // Followed to the end: the exit code says how the job ended.
  return exitCodeOf(await client.get(jobId))
}

/** One row per step, one column per metric: the shape a spreadsheet or pandas wants. */
function metricsGrid(m: Metrics): { header: string[]; rows: (number | null)[][] } {
  const steps = [...new Set(m.series.flatMap((s) => s.points.map((p) => p.step)))].sort((a, b) => a - b)
  const at = m.series.map((s) => new Map(s.points.map((p) => [p.step, p.value])))
  return { header: ['step', ...m.series.map((s) => s.name)], rows: steps.map((step) => [step, ...at.map((byStep) => byStep.get(step) ?? null)]) }
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

async function metrics(id: string, options: RemoteFlags & { name?: string; from?: number; to?: number; format: string; names?: boolean }): Promise<number> {
  const { client } = clientFor(options)
  const jobId = await resolveJobId(client, id)
  const m = unwrap(await client.api.GET('/v1/jobs/{id}/metrics', { params: { path: { id: jobId }, query: { name: options.name, stepFrom: options.from, stepTo: options.to } } }))
  const format = options.json ? 'json' : options.format
  if (options.names) {
    if (format === 'json') printJson(m.names)
    else console.log(m.names.join('\n'))
    return EXIT.ok
  }
  if (format === 'json') {
    printJson(m)
    return EXIT.ok
  }
  const grid = metricsGrid(m)
  if (format === 'csv') process.stdout.write([grid.header, ...grid.rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n')
  else if (!grid.rows.length) console.log(m.names.length ? `no points in that selection; the job logged: ${m.names.join(', ')}` : 'the job has logged no metrics')
  else console.log(table(grid.header, grid.rows))
  return EXIT.ok
}

async function listArtifacts(id: string, options: RemoteFlags): Promise<number> {
  const { client } = clientFor(options)
  const jobId = await resolveJobId(client, id)
  const list = unwrap(await client.api.GET('/v1/jobs/{id}/artifacts', { params: { path: { id: jobId } } }))
  if (options.json) printJson(list)
  else console.log(list.items.length ? table(['NAME', 'KIND', 'SIZE', 'SHA256'], list.items.map((a) => [a.name, a.kind, a.size, a.sha256.slice(0, 16)])) : 'no artifacts')
  return EXIT.ok
}

async function getArtifact(id: string, name: string, options: RemoteFlags & { output?: string }): Promise<number> {
  const { client } = clientFor(options)
  const jobId = await resolveJobId(client, id)
  const listed = unwrap(await client.api.GET('/v1/jobs/{id}/artifacts', { params: { path: { id: jobId } } })).items.find((a) => a.name === name)
  if (!listed) throw new CliError(`job ${jobId} has no artifact ${JSON.stringify(name)} (fsdfm artifacts ${jobId.slice(0, 8)} lists them)`, EXIT.refused)
  const res = await client.raw(`/v1/jobs/${jobId}/artifacts/${encodeURIComponent(name)}`)
  if (!res.ok || !res.body) throw new ApiError(res.status, await res.json().catch(() => null), `${res.status} ${res.statusText}`)
  const toStdout = options.output === '-'
  const file = options.output && !toStdout ? options.output : basename(name)
  const partial = `${file}.part`
  const hash = createHash('sha256')
  let size = 0
  const sink = toStdout ? process.stdout : createWriteStream(partial)
  const tee = new Writable({
    write(chunk: Buffer, _enc, done) {
      hash.update(chunk)
      size += chunk.length
      if (sink.write(chunk)) done()
      else sink.once('drain', () => done())
    },
    final(done) {
      if (toStdout) done()
      else (sink as ReturnType<typeof createWriteStream>).end(done)
    },
  })
  await pipeline(res.body, tee)
  const sha256 = hash.digest('hex')
  const expected = res.headers.get('x-sha256') ?? listed.sha256
  if (sha256 !== expected || sha256 !== listed.sha256 || size !== listed.size) {
    if (!toStdout) rmSync(partial, { force: true })
    throw new CliError(`${name}: sha256 ${sha256} (${size} bytes) does not match the server's ${listed.sha256} (${listed.size} bytes); nothing was kept`, EXIT.failed)
  }
  if (!toStdout) renameSync(partial, file)
  const report = { job: jobId, name, file: toStdout ? '-' : file, size, sha256, verified: true }
  if (options.json && !toStdout) printJson(report)
  else if (!toStdout) console.log(`saved ${file} (${size} bytes, sha256 ${sha256.slice(0, 16)}… verified)`)
  return EXIT.ok
}

/** Adds the job commands to `program`; `action` wraps a handler so its result becomes the exit code. */
export function registerJobCommands(program: Command, action: Action): void {
  remote(
    program
      .command('submit')
      .summary('submit a job from a JSON or YAML file')
      .description('Submit a job: a JSON or YAML file holding {kind, spec, name?, tags?, priority?, gpus?} (fields with defaults may be left out; the server names every bad field). With --follow, show its progress until it ends; the exit code says how it ended.')
      .requiredOption('-f, --file <path>', 'the job (JSON or YAML; - reads standard input)')
      .option('--follow', 'follow the job to its end: progress bar, then its outcome')
      .option('--name <name>', 'name the job')
      .option('--tag <tag...>', 'add tags')
      .option('--priority <n>', 'priority, 1 (most urgent) to 100', positiveInt('--priority'))
      .option('--gpus <n>', 'GPUs the job needs (0: a CPU worker)', positiveInt('--gpus')),
  )
    .addHelpText('after', example('fsdfm submit -f sample.yaml --follow', 'echo \'{"kind":"sample","spec":{"steps":8}}\' | fsdfm submit -f - --json'))
    .action(action(submit))

  const jobs = program
    .command('jobs')
    .summary('list, read, cancel and remove jobs')
    .description('Jobs on the server. Ids may be shortened to a unique prefix (at least 4 characters). Without a subcommand: list.')
    .addHelpText('after', example('fsdfm jobs --state running', 'fsdfm jobs get 1b2c3d4e', 'fsdfm jobs cancel 1b2c3d4e --wait'))
  remote(
    jobs
      .command('list', { isDefault: true })
      .description('List jobs, newest first')
      .addOption(new Option('--kind <kind>', 'only this kind').choices(KINDS))
      .addOption(new Option('--state <state>', 'only this state').choices(STATES))
      .option('--tag <tag>', 'only jobs with this tag')
      .option('--limit <n>', 'at most this many (1 to 500)', positiveInt('--limit'), 20),
  )
    .addHelpText('after', example('fsdfm jobs', 'fsdfm jobs list --state running --json'))
    .action(action(listJobs))
  remote(jobs.command('get').description('Show a job: state, timestamps, worker, progress, and what it left').argument('<id>', 'job id or prefix'))
    .addHelpText('after', example('fsdfm jobs get 1b2c3d4e', 'fsdfm jobs get 1b2c3d4e --json | jq .result'))
    .action(action(getJob))
  remote(jobs.command('cancel').description('Cancel a job: a queued one never starts, a running one stops within a step and checkpoints').argument('<id>', 'job id or prefix').option('--wait', 'wait until it has stopped'))
    .addHelpText('after', example('fsdfm jobs cancel 1b2c3d4e --wait'))
    .action(action(cancelJob))
  remote(jobs.command('rerun').description('Submit a job’s spec again as a new job (it names the old one)').argument('<id>', 'job id or prefix').option('--follow', 'follow the new job to its end'))
    .addHelpText('after', example('fsdfm jobs rerun 1b2c3d4e --follow'))
    .action(action(rerunJob))
  remote(jobs.command('resume').description('Continue a failed or cancelled pretrain/distill job from its last checkpoint, as a new attempt').argument('<id>', 'job id or prefix').option('--follow', 'follow it to its end'))
    .addHelpText('after', example('fsdfm jobs resume 1b2c3d4e --follow'))
    .action(action(resumeJob))
  remote(jobs.command('rm').description('Delete a job and its outputs (a running one is cancelled first); says so when the server does not offer deleting').argument('<id>', 'job id or prefix'))
    .addHelpText('after', example('fsdfm jobs rm 1b2c3d4e'))
    .action(action(removeJob))

  remote(
    program
      .command('logs')
      .summary("print a job's log")
      .description("Print a job's log so far; with -f, keep printing new lines until the job ends (the exit code then says how it ended).")
      .argument('<id>', 'job id or prefix')
      .option('-f, --follow', 'keep printing new lines until the job ends')
      .option('--tail <n>', 'only the last N lines so far', positiveInt('--tail')),
  )
    .addHelpText('after', example('fsdfm logs -f 1b2c3d4e', 'fsdfm logs 1b2c3d4e --tail 20'))
    .action(action(logs))

  remote(
    program
      .command('metrics')
      .summary("a job's metrics as a table, CSV or JSON")
      .description('The metric series of a job: one row per step, one column per metric.')
      .argument('<id>', 'job id or prefix')
      .option('--name <names>', 'only these metrics (comma-separated, e.g. train/loss,train/lr)')
      .option('--from <step>', 'from this step', positiveInt('--from'))
      .option('--to <step>', 'up to this step', positiveInt('--to'))
      .option('--names', 'only list the names of the metrics the job has logged')
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table')),
  )
    .addHelpText('after', example('fsdfm metrics 1b2c3d4e --name train/loss', 'fsdfm metrics 1b2c3d4e --format csv > loss.csv'))
    .action(action(metrics))

  const artifacts = program
    .command('artifacts')
    .summary("list and download a job's outputs")
    .description("A job's output files, with their sizes and sha256 checksums. Without a subcommand: list.")
    .addHelpText('after', example('fsdfm artifacts 1b2c3d4e', 'fsdfm artifacts get 1b2c3d4e checkpoint.pt -o teacher.pt'))
  remote(artifacts.command('list', { isDefault: true }).description("List a job's outputs").argument('<id>', 'job id or prefix'))
    .addHelpText('after', example('fsdfm artifacts 1b2c3d4e'))
    .action(action(listArtifacts))
  remote(
    artifacts
      .command('get')
      .description('Download an output and check its sha256 (a mismatch keeps nothing and exits 1)')
      .argument('<id>', 'job id or prefix')
      .argument('<name>', 'artifact name, e.g. checkpoint.pt')
      .option('-o, --output <path>', 'where to write it (default: its name in the current directory; - for standard output)'),
  )
    .addHelpText('after', example('fsdfm artifacts get 1b2c3d4e checkpoint.pt -o teacher.pt'))
    .action(action(getArtifact))
}
