// The `fsdfm` command. It runs the service (up, api, worker), writes the OpenAPI document, and
// talks to a running service the way a lab member would (login, submit, jobs, logs, metrics,
// artifacts, sweep, workers, token) through the TypeScript client (src/client), never through
// the service's internals. Commander gives every command its own --help and friendly errors.
import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { registerAccountCommands } from './remote/account.ts'
import { registerJobCommands } from './remote/jobs.ts'
import { registerQueueCommands } from './remote/queues.ts'
import { describeError, EXIT, EXIT_CODES_HELP, printJson } from './remote/output.ts'
import { registerSweepCommands } from './remote/sweeps.ts'
import { registerWebhookCommands } from './remote/webhooks.ts'
import { serve, SERVER_FLAGS } from './serve.ts'
import type { Role } from './services.ts'

/** Errors of starting the service whose message says all there is to say (matched by name: their modules load lazily). */
const STARTUP_ERRORS = ['ConfigError', 'RedisUnavailableError', 'EmbeddedStoreError', 'InsecureBindError']

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

const SERVER_COMMANDS: { role: Role; summary: string; example: string }[] = [
  { role: 'up', summary: 'the api and one worker in one process, on embedded defaults (PGlite, a private Redis)', example: 'fsdfm up --port 8080 --demo' },
  { role: 'api', summary: 'the REST api only (workers elsewhere share its Redis and PostgreSQL)', example: 'fsdfm api --database-url postgres://fsdfm@db/fsdfm --redis-url redis://queue:6379' },
  { role: 'worker', summary: 'one worker (needs DATABASE_URL shared with the api)', example: 'fsdfm worker --gpus 0 --database-url postgres://fsdfm@db/fsdfm --redis-url redis://queue:6379' },
]

/** Runs a command's handler; its result is the exit code. */
const action =
  (fn: (...args: never[]) => Promise<number>) =>
  async (...args: unknown[]): Promise<void> => {
    // Commander passes the arguments, the options, then the command itself.
    process.exitCode = await fn(...(args.slice(0, -1) as never[]))
  }

function buildProgram(): Command {
  const program = new Command('fsdfm')
    .version(`fsdfm ${version}`, '-V, --version', 'print the version')
    .description('Few-step discrete flow matching: run the job service, or submit and follow jobs on one.')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .showHelpAfterError('(fsdfm <command> --help shows its flags and an example)')
    .configureOutput({ outputError: (text, write) => write(`fsdfm: ${text.replace(/^error: /, '')}`) })
    .addHelpText(
      'after',
      `\n${EXIT_CODES_HELP}\n\nExamples:\n  $ fsdfm up                                  # a service on http://127.0.0.1:8080\n  $ fsdfm submit -f job.yaml --follow\n  $ fsdfm jobs --state running\n  $ fsdfm logs -f 1b2c3d4e\n\nSee README.md "Using it from a terminal" and "Configuration".`,
    )

  for (const { role, summary, example } of SERVER_COMMANDS) {
    const cmd = program.command(role).summary(summary).description(`${summary[0].toUpperCase()}${summary.slice(1)}. Flags override the environment variable named beside them; README.md "Configuration" lists every variable.`)
    for (const f of SERVER_FLAGS) cmd.option(`--${f.flag} <${f.arg.toLowerCase()}>`, `${f.help} [${f.env}]`)
    if (role === 'worker') cmd.option('--slurm', 'submit each job to Slurm (sbatch/srun) instead of running it here [FSDFM_WORKER_MODE=slurm]')
    if (role === 'up') cmd.option('--demo', 'submit a demo pipeline: Brown dataset -> tiny pretrain -> samples').option('--exit-after-demo', 'with --demo: stop once the demo finished (exit code 0 on success)')
    cmd.addHelpText('after', `\nExample:\n  $ ${example}\n`).action((options: Record<string, unknown>) => serve(role, options))
  }
  program
    .command('openapi')
    .summary('write the OpenAPI document (and the TypeScript client types)')
    .description('Write openapi/openapi.json, generated from the route schemas, and src/client/schema.ts generated from it (npm run openapi does this). With --out, write the document alone to that file.')
    .option('--out <file>', 'write the document to this file instead')
    .addHelpText('after', '\nExample:\n  $ fsdfm openapi --out /tmp/fsdfm.json\n')
    .action(async (options: { out?: string }) => {
      const { writeOpenApi } = await import('./openapi.ts')
      for (const file of await writeOpenApi(options.out ?? 'openapi/openapi.json')) console.log(`wrote ${file}`)
    })

  registerAccountCommands(program, action)
  registerJobCommands(program, action)
  registerQueueCommands(program, action)
  registerSweepCommands(program, action)
  registerWebhookCommands(program, action)
  return program
}

try {
  await buildProgram().parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has printed the message (or the help, or the version) already.
    process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage)
  }
  if (err instanceof Error && STARTUP_ERRORS.includes(err.name)) {
    console.error(`fsdfm: ${err.message}`)
    process.exit(1)
  }
  const { message, exitCode, body } = describeError(err)
  if (body && process.argv.includes('--json')) printJson(body)
  console.error(`fsdfm: ${message}`)
  if (process.env.FSDFM_DEBUG) console.error(err)
  process.exit(exitCode)
}
