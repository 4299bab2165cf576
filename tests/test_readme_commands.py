"""Every command in the README's tour runs as written from an empty folder at 80 columns, and its output cuts no
number and draws no empty table.

The tour's commands are read from README.md itself, so a command added there is tested here: it must be listed
below as cheap (run) or as slow (a model fit or a server; run by hand, timed in the README). Simulations run
with fewer replicates than the README asks, which changes their intervals, not their layout.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ironriver.cli import _common, app

README = Path(__file__).parents[1] / "README.md"

SLOW = {  # a model fit, the whole chain or a server: minutes, or never returns
    "assess", "claims", "estimate --years", "estimate --predict-traces", "estimate --sampler", "spillover",
    "serve",
}
FEWER = {"--replicates": "40", "-n": "40"}  # replicates in the test; sweeps run in-process (no --workers)

# a number cut by the table: digit groups broken at the end of a cell or line ("1,469,2"), or shortened to "…"
CUT_NUMBER = re.compile(r"\d,\d{1,2}(?=\s*[│┃]|\s*$)|\d…(?=\s*[│┃]|\s*$)")
EMPTY_ROW = re.compile(r"^\s*[│┃](?:\s*[│┃]){2,}\s*$")


def tour_commands() -> list[str]:
    block = README.read_text(encoding="utf-8").split("## A short tour", 1)[1].split("```bash", 1)[1].split("```")[0]
    return [re.split(r"\s+#\s", line)[0].strip() for line in block.splitlines() if line.startswith("ironriver ")]


def _is_slow(command: str) -> bool:
    words = command.removeprefix("ironriver ")
    return any(words == slow or words.startswith(slow + " ") for slow in SLOW)


def cheap_arguments(command: str) -> list[str]:
    arguments = shlex.split(command)[1:]
    if "--workers" in arguments:
        index = arguments.index("--workers")
        del arguments[index:index + 2]
    for flag, value in FEWER.items():
        if flag in arguments:
            arguments[arguments.index(flag) + 1] = value
    if arguments[0] in ("simulate", "compare", "sweep") and not any(f in arguments for f in FEWER):
        arguments += ["--replicates", FEWER["--replicates"]]
    return arguments


def test_the_tour_lists_the_commands_a_newcomer_needs() -> None:
    commands = tour_commands()
    assert len(commands) >= 15
    for needed in ("ironriver --version", "ironriver cite", "ironriver scenarios list", "ironriver data list"):
        assert any(command.startswith(needed) for command in commands), needed
    assert not any("scenarios/" in command or ".toml" in command for command in commands)  # names, not paths
    assert all(_is_slow(c) or cheap_arguments(c) for c in commands)


@pytest.mark.parametrize("command", [c for c in tour_commands() if not _is_slow(c)])
def test_a_readme_command_fits_80_columns(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # an empty folder outside the checkout
    monkeypatch.setattr(_common.console, "width", 80)
    result = CliRunner().invoke(app, cheap_arguments(command))
    assert result.exit_code == 0, (command, result.output, result.exception)
    lines = result.output.splitlines()
    assert lines, command
    for line in lines:
        assert not CUT_NUMBER.search(line), (command, line)
        assert not EMPTY_ROW.match(line), (command, line)
    assert not any(len(line) > 80 and ("│" in line or "┃" in line) for line in lines), command
