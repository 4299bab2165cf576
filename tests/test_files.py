"""Atomic writing (:mod:`ironriver.files`): all or nothing, ordinary permissions, one-line errors."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ironriver.errors import IronRiverError
from ironriver.files import atomic_write, write_via_temporary


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_write(target, force=True) as stream:
        stream.write("half of a new")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_an_existing_file_needs_force_and_a_missing_folder_is_named(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    target.write_text("keep")
    with pytest.raises(IronRiverError, match="exists; pass --force"), atomic_write(target) as stream:
        stream.write("new")
    assert target.read_text() == "keep"
    with pytest.raises(IronRiverError, match="does not exist"), atomic_write(tmp_path / "no" / "x.txt"):
        pass


def test_finished_files_get_the_umask_permissions_not_the_private_temporary_ones(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "a.bin", binary=True) as stream:
            stream.write(b"\x00\x01")
        write_via_temporary(tmp_path / "b.db", lambda path: path.write_bytes(b"db"), create=False)
    finally:
        os.umask(umask)
    for name in ("a.bin", "b.db"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01" and (tmp_path / "b.db").read_bytes() == b"db"


def test_create_false_hands_the_writer_a_path_that_does_not_exist(tmp_path: Path) -> None:
    seen = []
    write_via_temporary(tmp_path / "c.duckdb", lambda path: seen.append(path.exists()) or path.write_text("x"),
                        create=False)
    assert seen == [False]
