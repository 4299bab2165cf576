"""NUTS cross-check of the iron-river model with NumPyro (optional extra ``ironriver[nuts]``).

Runs the No-U-Turn sampler on exactly the log density the default method uses
(:meth:`~ironriver.estimate._iron_river_model.IronRiverModel.log_density` evaluated with ``jax.numpy``),
with a dense mass matrix adapted during warm-up, chains started at the posterior mode. Imported only when
``method="nuts"`` is asked for; without NumPyro it raises a one-line :class:`~ironriver.errors.IronRiverError`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ironriver.errors import IronRiverError

INSTALL_HINT = "NUTS needs the optional extra: pip install ironriver[nuts]"

DRAWS_PER_CHAIN = 4000
"""At most this many draws per chain: more draws mean more chains, not only longer ones. The 5% bounds are the
slow part for NUTS too (the walk's volatility has the lowest effective sample size, and the draws with the lowest
flows are those with the highest interdiction rates): on the default model, twelve chains of 4,000 draws (seeds
11 and 12; 210 divergent transitions in 32,000) gave 5% bounds whose mean over the years ranged from 11% below to
9% above the pooled chains', chain to chain, and two chains of 1,000 draws (seed 0) sat 16% above them on average
(25% in the worst year)."""


def available() -> bool:
    """Whether NumPyro and JAX can be imported."""
    try:
        import jax  # noqa: F401
        import numpyro  # noqa: F401
    except ImportError:
        return False
    return True


def run_nuts(model: Any, init: np.ndarray, seed: int, draws: int, warmup: int = 1000,
             chains: int | None = None) -> tuple[np.ndarray, dict[str, Any]]:
    """Sample ``model`` with NUTS; return (draws (n, D) unconstrained, diagnostics).

    Parameters
    ----------
    model : IronRiverModel
    init : ndarray (D,)
        Starting point of every chain (the posterior mode).
    seed, draws, warmup : int
        ``draws`` in total; ``warmup`` iterations per chain.
    chains : int, optional
        Chains, run one after the other (default: at least two, and enough for at most :data:`DRAWS_PER_CHAIN`
        draws each).
    """
    if not available():
        raise IronRiverError(INSTALL_HINT)
    import time

    import jax
    import jax.numpy as jnp
    from numpyro.diagnostics import effective_sample_size, split_gelman_rubin
    from numpyro.infer import MCMC, NUTS

    jax.config.update("jax_enable_x64", True)

    def potential(u: Any) -> Any:
        return -model.log_density(u[None, :], xp=jnp)[0]

    chains = chains or max(2, int(np.ceil(draws / DRAWS_PER_CHAIN)))
    started = time.perf_counter()
    kernel = NUTS(potential_fn=potential, dense_mass=True, target_accept_prob=0.95)
    per_chain = int(np.ceil(draws / chains))
    mcmc = MCMC(kernel, num_warmup=warmup, num_samples=per_chain, num_chains=chains, chain_method="sequential",
                progress_bar=False)
    init_params = jnp.tile(jnp.asarray(init), (chains, 1))
    mcmc.run(jax.random.PRNGKey(seed), init_params=init_params, extra_fields=("diverging",))
    samples = np.asarray(mcmc.get_samples(group_by_chain=True))  # (chains, n, D)
    diverging = int(np.asarray(mcmc.get_extra_fields()["diverging"]).sum())
    ess = np.asarray(effective_sample_size(samples))
    rhat = np.asarray(split_gelman_rubin(samples))
    points = samples.reshape(-1, samples.shape[-1])[:draws]
    return points, {"ess": float(ess.min()), "ess_median": float(np.median(ess)), "rhat_max": float(rhat.max()),
                    "divergences": diverging, "chains": chains, "warmup": warmup, "n_draws": int(points.shape[0]),
                    "nuts_seconds": round(time.perf_counter() - started, 3)}
