// The sampling surface: which solvers exist and the parameters each takes, as JSON schemas.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { SamplingParams, SOLVER_NAMES, StepSizes, type SolverName } from '../../schemas/jobs.ts'
import { SolverView } from '../../schemas/views.ts'

const DESCRIPTIONS: Record<SolverName, string> = {
  cumulative_scalar:
    'FS-DFM: the jump intensity is averaged over the whole step, ln((1-kappa(t))/(1-kappa(t+h)))/h, so one large step lands on the true mixture-path transition. Use with a distilled student for 1-16 steps.',
  dfm_euler: 'Discrete flow matching Euler baseline: jump probability 1-exp(-h g(t) (1-p(z))) with g evaluated at the start of the step. First order; needs hundreds of steps.',
  mixture_euler:
    'The frozen-rate chain g(t) p solved with Poisson event counts: a token moves with probability (1-exp(-h g(t))) (1-p(z)). First order, consistent (it follows the path as h -> 0). Not the reference code’s solver of this name, which jumps with probability 1-exp(-(1-p(z))) (about 63% per step) whatever t and h (docs/method-notes.md).',
}

export const SOLVERS = SOLVER_NAMES.map((name) => ({
  name,
  description: DESCRIPTIONS[name],
  // Plain JSON (TypeBox schemas carry symbol keys the response serializer need not see).
  parameters: JSON.parse(JSON.stringify(Type.Object({ steps: SamplingParams.steps, stepSizes: Type.Optional(StepSizes), temperature: SamplingParams.temperature }))) as Record<string, unknown>,
}))

const solversRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/solvers',
    { schema: { tags: ['solvers'], summary: 'Solvers and their parameters', response: { 200: Type.Object({ items: Type.Array(SolverView) }) } } },
    async () => ({ items: SOLVERS }),
  )
}

export default solversRoutes
