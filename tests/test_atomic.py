"""Publishing files and folders atomically: all or nothing, no temporary left behind, the old version kept until
the new one stands in its place."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tinystories.atomic import atomic_path, write_json, write_text


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_file_is_replaced_whole_with_normal_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out" / "summary.json"
    write_json(target, {"loss": 1.0})
    write_text(target, "new\n")
    assert target.read_text() == "new\n" and names(target.parent) == ["summary.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


def test_an_error_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = write_text(tmp_path / "stories.txt", "old")
    with pytest.raises(OSError, match="disk full"), atomic_path(target) as tmp:
        tmp.write_text("half of the new")
        raise OSError("disk full")
    assert target.read_text() == "old" and names(tmp_path) == ["stories.txt"]


def test_the_temporary_keeps_the_suffix_for_writers_that_choose_a_format_by_it(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "table.npz") as tmp:
        assert tmp.suffix == ".npz" and tmp.parent == tmp_path and tmp.name.startswith(".table.npz.")
        tmp.write_bytes(b"x")
    assert names(tmp_path) == ["table.npz"]


def test_a_folder_is_swapped_whole(tmp_path: Path) -> None:
    target = tmp_path / "tokenizer"
    with atomic_path(target, folder=True) as tmp:
        (tmp / "tokenizer.json").write_text("v1")
        (tmp / "keep_ids.json").write_text("[1]")
    with atomic_path(target, folder=True) as tmp:
        (tmp / "tokenizer.json").write_text("v2")
    assert names(target) == ["tokenizer.json"] and (target / "tokenizer.json").read_text() == "v2"
    assert names(tmp_path) == ["tokenizer"]  # the old copy, moved aside, is gone once the new one is in place


def test_a_failed_folder_keeps_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "exported"
    with atomic_path(target, folder=True) as tmp:
        (tmp / "config.json").write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target, folder=True) as tmp:
        (tmp / "config.json").write_text("new")
        raise RuntimeError("the model did not convert")
    assert (target / "config.json").read_text() == "old" and names(tmp_path) == ["exported"]


def test_without_replace_an_existing_entry_wins(tmp_path: Path) -> None:
    target = tmp_path / "cache-entry"
    for content in ("first", "second"):
        with atomic_path(target, folder=True, replace=False) as tmp:
            (tmp / "meta.json").write_text(content)
    assert (target / "meta.json").read_text() == "first" and names(tmp_path) == ["cache-entry"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o700)  # shared by runs and users, not mkdtemp's private mode
