"""The estimate stage: models fitted to the store's tables and the evidence streams, returning draws.

Each module here turns data into an estimate with its uncertainty carried as draws, never as a bare point:
:mod:`ironriver.estimate.spillover` estimates what the September 2004 expiry of the US assault-weapons ban did
to firearm homicides in the Mexican states bordering Texas, New Mexico and Arizona. Modules import only from
``data``, ``store`` and ``evidence``; their public functions are re-exported lazily from :mod:`ironriver`.

:mod:`ironriver.estimate.iron_river` estimates the yearly flow of US guns trafficked into Mexico, 1999 to the
latest year with evidence, from every evidence stream at once (a state-space model fitted by Laplace-proposal
importance sampling with Pareto diagnostics and automatic fallbacks; NumPyro NUTS as an optional cross-check);
every prior it uses is a named object in :mod:`ironriver.estimate.priors`.
"""
