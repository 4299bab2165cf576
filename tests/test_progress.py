"""Long calls report progress: to the caller's callback, else a bar only on an interactive terminal."""

from __future__ import annotations

import pytest

from ironriver.progress import reporter


def test_the_callers_callback_is_used_and_a_pipe_gets_no_bar(capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[tuple[str, int, int]] = []
    with reporter(lambda step, done, total: seen.append((step, done, total)), "work") as report:
        report("a", 0, 2)
    assert seen == [("a", 0, 2)]
    with reporter(None, "work") as report:  # stderr is captured, not a terminal: nothing is drawn
        report("a", 1, 2)
    assert capsys.readouterr().err == ""


def test_sensitivity_reports_every_refit() -> None:
    from ironriver import estimate_iron_river

    posterior = estimate_iron_river(seed=2, draws=200, evidence=["traces", "stock"], method="laplace")
    seen: list[tuple[str, int, int]] = []
    frame = posterior.sensitivity(streams=["stock"], priors=["attrition_beyond_seizures"], assumptions=[], method="laplace",
                                  progress=lambda step, done, total: seen.append((step, done, total)))
    assert list(frame["kind"]) == ["baseline", "stream", "prior"]
    assert [done for _, done, _ in seen] == [0, 1, 2, 3] and {total for _, _, total in seen} == {3}
    assert seen[1][0] == "stream stock" and seen[-1][0] == "done"
