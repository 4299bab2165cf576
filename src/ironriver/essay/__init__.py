"""The essay stage (folder `essay/`, function ``ironriver.claims``): the essay's claims, each tested against the evidence the rest of the chain produced.

This stage sits after ``sovereignty`` and before ``report``, ``cli`` and ``web``: it reads the iron-river
posterior, the Correlates of War table, the literature and timeline, and the verdict with its specification
robustness (:mod:`~ironriver.essay.inputs`), applies the rule written beside each claim
(:mod:`~ironriver.essay.table`, evaluated by :mod:`~ironriver.essay.rules` and
:mod:`~ironriver.essay.record`) and returns one record per claim: ``id``, ``claim``, ``status``, ``why``,
``rule``, ``basis``, ``evidence`` (each item with its ``lineage``) and ``would_change``. :func:`claims` gives a
DataFrame, :func:`claim_records` the JSON-ready list (cached in ``$IRONRIVER_HOME`` keyed by the store, the
package's code and tables, and the arguments, so a warm run takes a moment).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from ironriver.essay.inputs import ClaimInputs, VerdictEvidence, gather
from ironriver.essay.rules import EVALUATORS, STATUSES, Outcome
from ironriver.essay.table import CLAIMS, Claim, claim_ids
from ironriver.files import atomic_write

__all__ = ["claims", "claim_records", "evaluate", "evaluate_claim", "CLAIMS", "Claim", "STATUSES", "ClaimInputs",
           "VerdictEvidence", "gather", "claim_ids", "FIELDS"]

FIELDS = ("id", "claim", "status", "why", "rule", "basis", "evidence", "would_change")
"""The fields of every claim record, in order."""

CACHE_VERSION = "1"


def evaluate_claim(claim: Claim, inputs: ClaimInputs) -> dict[str, Any]:
    """One claim's record: its rule applied to ``inputs``."""
    outcome: Outcome = EVALUATORS[claim.evaluator](inputs, **claim.params)
    return {"id": claim.id, "claim": claim.claim, "status": outcome.status, "why": outcome.why, "rule": claim.rule,
            "basis": claim.basis, "evidence": [dict(item) for item in outcome.evidence],
            "would_change": claim.would_change}


def evaluate(inputs: ClaimInputs) -> list[dict[str, Any]]:
    """Every claim's record, in the essay's order."""
    return [evaluate_claim(claim, inputs) for claim in CLAIMS]


def _cache_key(parts: tuple) -> str:
    """A digest of the package's code, its data manifest (every dataset's sha256), the cited tables, the shipped
    specifications and the arguments — everything the claims depend on, read in well under a second."""
    digest = hashlib.sha256(f"{CACHE_VERSION}|{parts!r}".encode())
    root = Path(__file__).resolve().parents[1]
    files = [*root.rglob("*.py"), root / "data" / "datapackage.json", *(root / "data" / "literature").glob("*.csv"),
             *(root / "data" / "specs").glob("*.toml"), *root.glob("sovereignty/*.csv")]
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    scenario = parts[2]
    if scenario is not None:
        digest.update(Path(scenario).read_bytes())
    return digest.hexdigest()[:24]


def _spec_part(specification: Any) -> Any:
    if specification is None or isinstance(specification, (str, Path)):
        return None if specification is None else str(specification)
    return specification.model_dump_json()


def claim_records(years: str | tuple[int, int] | None = None, seed: int = 0, *, scenario: str | Path | None = None,
                  specification: Any = None, use_cache: bool = True) -> list[dict[str, Any]]:
    """The claims tested against the chain's evidence for ``years`` (the ledger's window) and ``seed``.

    Parameters
    ----------
    years : "A:B" or (A, B), optional
        The ledger's window (default that of :func:`ironriver.assess`); the flow claim reads every fitted year.
    seed : int
        Seed of the chain.
    scenario : path, optional
        A scenario TOML whose levers change the flow before the ledger is built (as in ``assess``).
    specification : name, path or Specification, optional
        The specification the verdict is read under (default the shipped neutral one).
    use_cache : bool
        Reuse a cached result for the same inputs and code.
    """
    from ironriver.store.build import home

    if scenario is not None:  # a shipped name ("ubc") or a path; unknown ones fail in one line
        from ironriver.data.shipped import resolve_shipped

        scenario = resolve_shipped("scenarios", scenario)
    from ironriver.sovereignty.chain import parse_years

    key_parts = (parse_years(years), seed,
                 None if scenario is None else str(scenario), _spec_part(specification))
    path = None
    if use_cache:
        folder = home() / "claims-cache"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"claims-{_cache_key(key_parts)}.json"
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # a damaged entry is recomputed
                path.unlink(missing_ok=True)
    records = evaluate(gather(years, seed=seed, scenario=scenario, specification=specification))
    if path is not None:
        with atomic_write(path, force=True) as stream:
            json.dump(records, stream, ensure_ascii=False)
    return records


def claims(years: str | tuple[int, int] | None = None, *, seed: int = 0, scenario: str | Path | None = None,
           specification: Any = None) -> pd.DataFrame:
    """The essay's claims tested against the evidence, one row per claim (columns :data:`FIELDS`).

    >>> import ironriver
    >>> table = ironriver.claims()
    >>> table[["id", "status"]]
    """
    return pd.DataFrame(claim_records(years, seed=seed, scenario=scenario, specification=specification),
                        columns=list(FIELDS))
