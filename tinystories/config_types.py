"""Checking the types of a composed config's values against what their targets take, before anything is built:
`trainer.max_steps=abc` is one line naming the key, not a TypeError from deep inside Lightning. The types come from
the targets' own signatures (Lightning's Trainer, our modules and callbacks), so nothing is declared twice."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping

from hydra.utils import get_object
from omegaconf import DictConfig, ListConfig

from tinystories.errors import ConfigError

SIMPLE = (bool, int, float, str)


def _accepts(hint: object, value: object) -> bool:
    """Whether `value` fits `hint`, judged only where the hint is simple (bool, int, float, str, None and unions
    of them); any other hint accepts anything (the target checks it itself)."""
    if hint is typing.Any or isinstance(hint, typing.TypeVar):
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_accepts(h, value) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint not in SIMPLE:
        return True
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def parameter_hints(target: Callable) -> Mapping[str, object]:
    """The parameter hints of a function, or of a class's __init__ and those of its bases (a subclass that
    passes **kwargs on takes its base's parameters)."""
    functions = [c.__init__ for c in reversed(inspect.getmro(target))] if inspect.isclass(target) else [target]
    hints: dict[str, object] = {}
    for function in functions:
        try:
            hints.update(typing.get_type_hints(function))
        except Exception:  # a hint that names what only a type checker imports: nothing to check against
            continue
    hints.pop("return", None)
    return hints


def _describe(hint: object) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "").replace("NoneType", "None")


def check_values(values: Mapping, hints: Mapping[str, object], where: str, target_name: str) -> None:
    for key, hint in hints.items():
        if key not in values:
            continue
        value = values[key]
        if isinstance(value, DictConfig | ListConfig):
            value = {} if isinstance(value, DictConfig) else []
        if not _accepts(hint, value):
            raise ConfigError(
                f"{where}{key}={value!r} is not a valid value: {target_name} takes {_describe(hint)} for {key}"
            )


def check_config_types(
    cfg: DictConfig, top_level: Mapping[str, object], keys: tuple[str, ...] = ("data", "module", "trainer")
) -> None:
    """Checks the top-level keys against `top_level` hints, then every instantiated node under `keys` and under
    the callbacks and loggers, nested ones included."""
    check_values(cfg, top_level, "", "the run")
    nodes = [(cfg.get(k), f"{k}.") for k in keys]
    for group in ("callbacks", "logger"):
        nodes += [(node, f"{group}.{name}.") for name, node in (cfg.get(group) or {}).items()]
    while nodes:
        node, where = nodes.pop()
        if not isinstance(node, DictConfig):
            continue
        target = node.get("_target_")
        if isinstance(target, str):
            try:
                function = get_object(target)
            except Exception:
                continue  # instantiate reports a target it cannot find
            check_values(node, parameter_hints(function), where, target.rsplit(".", 1)[-1])
        nodes += [(v, f"{where}{k}.") for k, v in node.items() if isinstance(v, DictConfig) and k != "_target_"]
