"""The one command-line convention of every `python -m tinystories.X`.

Settings are written `key=value`, as overrides are for train.py (`ckpt=outputs/run/checkpoints/last.ckpt n=3`);
inputs (files, folders, sweep paths) come bare where a command takes them. `--help` prints the command's
docstring and its settings with their defaults. A mistake the user can fix (an unknown key, a value of the wrong
type, a missing file) is one line on stderr, `error: ...`, and exit code 2; nothing else is caught.

A command declares its settings as a dataclass whose fields carry their help (`setting(default, "help")`); the
values are typed by OmegaConf, the library behind Hydra's configs, so `n=abc` is refused naming `n`.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from tinystories.errors import ConfigError, TinyStoriesError

S = TypeVar("S")
NULL = ("null", "None", "~")


def setting(default: Any, help: str) -> Any:
    """A field of a command's settings dataclass, with the line `--help` shows for it."""
    return dataclasses.field(default=default, metadata={"help": help})


@dataclasses.dataclass
class Arguments:
    """What a command line said: its settings, its bare inputs, and the `key=value` pairs that are not settings
    of this command (for a command that passes them on, as the sweep runner does to train.py)."""

    settings: Any
    inputs: list[str]
    passed_on: list[str]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own: a usage block, then the error
        self.exit(2, f"error: {message}; settings are written key=value (see {self.prog} --help)\n")


def settings_help(settings: type) -> str:
    rows = []
    for f in dataclasses.fields(settings):
        shown = "null" if f.default is None else str(f.default).lower() if isinstance(f.default, bool) else f.default
        rows.append((f"{f.name}={shown}", f.metadata.get("help", "")))
    width = max(len(key) for key, _ in rows)
    return "settings (key=value):\n" + "\n".join(f"  {key:<{width}}  {text}" for key, text in rows)


def parse(
    argv: Sequence[str] | None,
    settings: type[S],
    *,
    prog: str,
    doc: str | None,
    inputs: str | None = None,
    pass_on: bool = False,
) -> Arguments:
    """Reads `argv` (default: sys.argv[1:]) by the convention above. `inputs` names the bare arguments the
    command takes (none if None); with `pass_on`, unknown keys are handed back instead of refused. `--help`
    prints and exits 0; an error raises ConfigError (one line)."""
    parser = _Parser(
        prog=prog,
        description=doc,
        epilog=settings_help(settings),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage=f"{prog} {f'{inputs} ' if inputs else ''}[key=value ...]",
    )
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    given = parser.parse_args(list(sys.argv[1:] if argv is None else argv)).args

    names = {f.name for f in dataclasses.fields(settings)}
    values: dict[str, str | None] = {}
    bare, passed_on = [], []
    for arg in given:
        key, eq, value = arg.partition("=")
        if eq and key in names:
            values[key] = None if value in NULL else value
        elif eq and pass_on:
            passed_on.append(arg)
        elif eq and (not inputs or key.replace(".", "_").isidentifier()):
            known = ", ".join(sorted(names))
            raise ConfigError(f"unknown setting {key!r}; the settings of {prog} are {known}")
        else:  # an input; a path may hold "=" (multirun/2026-11-24/model=ts-1m)
            bare.append(arg)
    if bare and not inputs:
        raise ConfigError(f"unexpected argument {bare[0]!r}: settings are written key=value (see {prog} --help)")
    try:
        merged = OmegaConf.merge(OmegaConf.structured(settings), values)
        parsed = OmegaConf.to_object(merged)
    except OmegaConfBaseException as e:
        key = getattr(e, "full_key", None) or "?"
        reason = str(e).splitlines()[0]
        raise ConfigError(f"{key}={values.get(key)}: {reason}") from None
    return Arguments(parsed, bare, passed_on)


def run(main: Callable[[], object]) -> int:
    """Calls a command's `main`, turning an error the user can fix into one line and exit code 2. An int it
    returns is the exit code; anything else means success."""
    try:
        code = main()
    except TinyStoriesError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return code if isinstance(code, int) else 0


def main(command: Callable[[S], object], settings: type[S], argv: Sequence[str] | None, *, prog: str, doc: str) -> int:
    """The whole `main` of a command that takes settings only: parse `argv`, call `command(settings)`."""
    return run(lambda: command(parse(argv, settings, prog=prog, doc=doc).settings))
