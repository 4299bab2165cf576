"""NUTS cross-check: NumPyro's NUTS on the same log density agrees with the default Laplace-IS/SMC fit.

Marked slow (about a minute); skipped when the optional extra ``ironriver[nuts]`` is not installed. The
benchmark (``benchmarks/bench_iron_river.py``) measures the agreement against its 5% target; this test holds
the yearly medians to 12% and the 2010–2012 median and upper bound to 15%. The default sampler's lower tail
is known to be too light (its 5% bound of the 2010–2012 mean sits ~20–30% above NUTS's): the test records
that gap with a bound instead of hiding it.
"""

from __future__ import annotations

import numpy as np
import pytest

from ironriver.estimate._iron_river_nuts import INSTALL_HINT, available
from ironriver.estimate.iron_river import estimate_iron_river


@pytest.mark.slow
@pytest.mark.skipif(not available(), reason="numpyro not installed (pip install ironriver[nuts])")
def test_nuts_agrees_with_the_default_method() -> None:
    nuts = estimate_iron_river(seed=0, method="nuts", draws=3000)
    default = estimate_iron_river(seed=0)
    assert nuts.diagnostics["rhat_max"] < 1.02
    ratio = default.summary()["median"].to_numpy() / nuts.summary()["median"].to_numpy()
    assert np.all(np.abs(ratio - 1) < 0.12), ratio
    a, b = default.reference(), nuts.reference()
    for key in ("median", "q95"):
        assert abs(a[key] / b[key] - 1) < 0.15, (key, a[key], b[key])
    assert 0.9 < a["q05"] / b["q05"] < 1.45, (a["q05"], b["q05"])  # the known light lower tail


def test_nuts_without_numpyro_is_a_one_line_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    import ironriver.estimate._iron_river_nuts as nuts_module
    from ironriver.errors import IronRiverError

    monkeypatch.setattr(nuts_module, "available", lambda: False)
    with pytest.raises(IronRiverError, match=r"pip install ironriver\[nuts\]"):
        estimate_iron_river(method="nuts", evidence=["stock"], draws=100)
    assert "\n" not in INSTALL_HINT
