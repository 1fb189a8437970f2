"""Publishing a file or a folder atomically, for everything the project writes for others to read: tokenizers,
token caches, exports, corpora, summaries, results.

The content is written under a temporary name in the target's own folder (so on the same filesystem, where a
rename is atomic), then renamed into place. A reader sees the old version or the new one, never half of one; an
error removes the temporary and leaves the old version as it was. An old folder is moved aside, not deleted, until
the new one stands in its place.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _put_folder(new: Path, target: Path, replace: bool) -> None:
    """Puts folder `new` at `target`. An existing `target` is moved aside first and deleted only after the new
    one stands in its place; without `replace` it is kept and `new` is left to be dropped."""
    try:
        os.rename(new, target)  # a target that is missing (or empty) needs nothing more
        return
    except OSError:
        if not target.is_dir():
            raise
        if not replace:
            return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.rename(target, old / target.name)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old / target.name, target)  # put the old one back
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_path(target: str | Path, *, folder: bool = False, replace: bool = True) -> Iterator[Path]:
    """Yields a temporary path to write `target`'s content to (a file, or with `folder` a folder to fill), and
    publishes it when the block ends without an error. The temporary keeps the target's suffix, for writers that
    choose a format by it. With `replace=False` an existing target is kept and the new content dropped: for cache
    entries named by a hash of their content, which another process may have finished first."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix, suffix = f".{target.name}.", f".tmp{target.suffix}"
    if folder:
        tmp = Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=target.parent))
    else:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
        os.close(fd)
        tmp = Path(name)
    try:
        yield tmp
        # mkstemp and mkdtemp make private files; a published one gets the permissions a new file would.
        os.chmod(tmp, (0o777 if folder else 0o666) & ~_umask())
        if folder:
            _put_folder(tmp, target, replace)
        elif not replace and target.exists():
            return
        else:
            os.replace(tmp, target)
    finally:
        _remove(tmp)


def remove_leftovers(folder: str | Path) -> list[Path]:
    """Removes the temporaries that a killed writer left in `folder` (a process killed mid-write cannot clean up
    after itself); for folders that one run owns, at its start. Returns what was removed."""
    leftovers = list(Path(folder).glob(".*.tmp*"))
    for path in leftovers:
        _remove(path)
    return leftovers


def write_text(target: str | Path, text: str) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_json(target: str | Path, value: object) -> Path:
    return write_text(target, json.dumps(value, indent=2) + "\n")
