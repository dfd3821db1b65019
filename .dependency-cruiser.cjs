// The layering of src/ (README, Design): each layer may import only from layers below it,
// and nothing imports in a circle. Checked in CI (scripts/test.sh: npm run lint).
const LAYERS = [
  ['foundation', '^src/(errors|config)\\.ts$|^src/(schemas|util)/'],
  ['store', '^src/store/'],
  ['data and queues', '^src/(data|queue)/'],
  ['jobs and identities', '^src/(jobs|auth)/'],
  ['sweeps and workers', '^src/(sweeps|worker)/'],
  ['api', '^src/api/'],
  ['cli', '^src/cli/'],
]

const upward = LAYERS.flatMap(([name, from], i) =>
  LAYERS.slice(i + 1).map(([above, to]) => ({
    name: `no-upward-import:${name}->${above}`,
    comment: `${name} must not depend on ${above}, which sits above it`,
    severity: 'error',
    from: { path: from },
    to: { path: to },
  })),
)

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'import cycles make the layering a lie', from: {}, to: { circular: true } },
    ...upward,
    {
      name: 'client-stands-alone',
      severity: 'error',
      comment: 'the TypeScript client (fsdfm/client) is built from the OpenAPI document alone; it must not reach into the service',
      from: { path: '^src/client/' },
      to: { path: '^src/', pathNot: '^src/client/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
}
