// The sampling surface: which solvers exist and the parameters each takes, as JSON schemas.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { SamplingParams, SOLVER_NAMES, StepSizes, type SolverName } from '../../schemas/jobs.ts'
import { SolverView } from '../../schemas/views.ts'

const DESCRIPTIONS: Record<SolverName, string> = {
  cumulative_scalar:
    'FS-DFM: the jump intensity is averaged over the whole step, ln((1-kappa(t))/(1-kappa(t+h)))/h, so one large step lands on the true mixture-path transition. Use with a distilled student for 1-16 steps.',
  dfm_euler: 'Discrete flow matching Euler baseline: jump probability 1-exp(-h g(t) (1-p(z))) with g evaluated at the start of the step. First order; needs hundreds of steps.',
  mixture_euler: 'Euler with rates (p - delta_z)/h and Poisson jump counts. First order; the reference implementation’s default.',
}

export const SOLVERS = SOLVER_NAMES.map((name) => ({
  name,
  description: DESCRIPTIONS[name],
  parameters: Type.Object({ steps: SamplingParams.steps, stepSizes: Type.Optional(StepSizes), temperature: SamplingParams.temperature }) as unknown as Record<string, unknown>,
}))

const solversRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/solvers',
    { schema: { tags: ['solvers'], summary: 'Solvers and their parameters', response: { 200: Type.Object({ items: Type.Array(SolverView) }) } } },
    async () => ({ items: SOLVERS.map((s) => ({ ...s, parameters: JSON.parse(JSON.stringify(s.parameters)) })) }),
  )
}

export default solversRoutes
