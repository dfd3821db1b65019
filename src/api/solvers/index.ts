// The sampling surface: which solvers exist and the parameters each takes, as JSON schemas.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { SamplingParams, StepSizes } from '../../schemas/jobs.ts'
import { SOLVER_CATALOGUE, SOLVER_NAMES } from '../../schemas/solvers.ts'
import { SolverView } from '../../schemas/views.ts'
import { ownErrors } from '../openapi.ts'

export const SOLVERS = SOLVER_NAMES.map((name) => ({
  name,
  description: SOLVER_CATALOGUE[name],
  // Plain JSON (TypeBox schemas carry symbol keys the response serializer need not see).
  parameters: JSON.parse(JSON.stringify(Type.Object({ steps: SamplingParams.steps, stepSizes: Type.Optional(StepSizes), temperature: SamplingParams.temperature }))) as Record<string, unknown>,
}))

const solversRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/solvers',
    { config: { access: { need: 'any', in: 'none' } }, schema: { tags: ['solvers'], operationId: 'listSolvers', summary: 'Solvers and their parameters', response: { 200: Type.Object({ items: Type.Array(SolverView) }), ...ownErrors() } } },
    async () => ({ items: SOLVERS }),
  )
}

export default solversRoutes
