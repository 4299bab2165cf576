"""The mutation-score script behind ``make mutation``: its seeded sample of mutants and the score's sampling sd.

The script (``scripts/mutation_score.py``) is not part of the package; it is loaded from its file.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "mutation_score.py"


@pytest.fixture(scope="module")
def score_script():
    spec = importlib.util.spec_from_file_location("mutation_score", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_sample_is_seeded_random_and_grows_by_extension(score_script) -> None:
    names = [f"m.x_f__mutmut_{i}" for i in range(1, 201)]
    quarter = score_script.sample_names(names, 0.25, 15, "m")
    assert len(quarter) == 50 and set(quarter) <= set(names)
    assert quarter == score_script.sample_names(list(reversed(names)), 0.25, 15, "m")   # order of input ignored
    assert quarter != score_script.sample_names(names, 0.25, 16, "m")                   # the seed matters
    assert quarter != score_script.sample_names(names, 0.25, 15, "other")               # so does the module
    assert set(quarter) < set(score_script.sample_names(names, 0.5, 15, "m"))           # a larger sample extends it
    assert quarter != names[:50] and quarter != sorted(names)[:50]                       # not the first ones
    assert len(score_script.sample_names(names, 0.001, 15, "m")) == 1                    # at least one
    assert score_script.sample_names(names, 1.0, 15, "m") == names


def test_sampling_sd_by_hand(score_script) -> None:
    # 79 of 100 killed, 400 in scope: p = 80/102, sd = sqrt(p (1 - p) / 100 * 300 / 399)
    p = 80 / 102
    assert score_script.sampling_sd(79, 100, 400) == pytest.approx(100 * math.sqrt(p * (1 - p) / 100 * 300 / 399))
    assert score_script.sampling_sd(79, 100, 400) == pytest.approx(3.567, abs=1e-3)
    assert score_script.sampling_sd(320, 400, 400) == 0.0           # every mutant ran: no sampling error
    assert score_script.sampling_sd(10, 10, 400) > 5.0               # ten of ten killed is not a certain 100%
    assert math.isnan(score_script.sampling_sd(0, 0, 400))


def test_samples_are_parsed_per_module(score_script) -> None:
    default, by_module = score_script.parse_sample("0.25, ledger=1,spillover.panel=0.5")
    assert default == 0.25 and by_module == {"ledger": 1.0, "spillover.panel": 0.5}
    assert score_script.fraction_of("ironriver.sovereignty.ledger", default, by_module) == 1.0
    assert score_script.fraction_of("ironriver.estimate.spillover.panel", default, by_module) == 0.5
    assert score_script.fraction_of("ironriver.sovereignty.subledger", default, by_module) == 0.25
    for bad in ("0", "1.5", "ledger=x", "half"):
        with pytest.raises(ValueError, match="sample"):
            score_script.parse_sample(bad)


def test_the_table_counts_the_selected_results_and_lists_names(score_script, tmp_path: Path, capsys) -> None:
    import sys

    meta = tmp_path / "src" / "ironriver" / "sovereignty" / "verdict.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {f"ironriver.sovereignty.verdict.x_f__mutmut_{i}": code
             for i, code in enumerate([1, 1, 1, 0, 33, None, None, None], start=1)}
    meta.write_text(json.dumps({"exit_code_by_key": codes}))
    argv = sys.argv
    try:
        sys.argv = ["mutation_score.py", "--mutants", str(tmp_path)]
        assert score_script.main() == 1                       # 3 of 5 judged: 60% < 80%
        table = capsys.readouterr().out
        row = next(line for line in table.splitlines() if line.startswith("ironriver.sovereignty.verdict"))
        p = 4 / 7
        sd = 100 * math.sqrt(p * (1 - p) / 5 * 3 / 7)
        assert row.split()[1:5] == ["3/5", "60.0%", f"{sd:.1f}", "5/8"] and row.split()[-1] == "3"
        sys.argv = ["mutation_score.py", "--mutants", str(tmp_path), "--names", "--sample", "0.5", "--seed", "3"]
        assert score_script.main() == 0
        assert len(capsys.readouterr().out.split()) == 4
        sys.argv = ["mutation_score.py", "--mutants", str(tmp_path), "--names", "--pending"]
        assert score_script.main() == 0
        assert capsys.readouterr().out.split() == [f"ironriver.sovereignty.verdict.x_f__mutmut_{i}" for i in (6, 7, 8)]
        sys.argv = ["mutation_score.py", "--mutants", str(tmp_path), "--names", "--sample", "0"]
        assert score_script.main() == 2
        assert "sample fraction must lie in (0, 1]" in capsys.readouterr().err
    finally:
        sys.argv = argv
