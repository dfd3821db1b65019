// The solver catalogue: every sampler the service offers, with what it does. Adding a solver is
// one entry here and one in python/fsdfm/solvers.py SOLVERS; the contract carries these names
// to Python, where a test fails when the two disagree (python/tests/test_contract.py).

export const SOLVER_CATALOGUE = {
  cumulative_scalar:
    'FS-DFM: the jump intensity is averaged over the whole step, ln((1-kappa(t))/(1-kappa(t+h)))/h, so one large step lands on the true mixture-path transition. Use with a distilled student for 1-16 steps.',
  dfm_euler: 'Discrete flow matching Euler baseline: jump probability 1-exp(-h g(t) (1-p(z))) with g evaluated at the start of the step. First order; needs hundreds of steps.',
  mixture_euler:
    'The frozen-rate chain g(t) p solved with Poisson event counts: a token moves with probability (1-exp(-h g(t))) (1-p(z)). First order, consistent (it follows the path as h -> 0). Not the reference code’s solver of this name, which jumps with probability 1-exp(-(1-p(z))) (about 63% per step) whatever t and h (docs/method-notes.md).',
} as const

export type SolverName = keyof typeof SOLVER_CATALOGUE
export const SOLVER_NAMES = Object.keys(SOLVER_CATALOGUE) as SolverName[]
