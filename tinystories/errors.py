"""Errors a user can fix. train.py prints their message alone (no traceback) and exits non-zero, so each message
must say what is wrong and how to fix it."""


class TinyStoriesError(Exception):
    """Base class of every error caused by input the user can change."""


class ConfigError(TinyStoriesError):
    """A config value is missing, out of range, or inconsistent with another."""


class DataError(TinyStoriesError):
    """A data source or tokenizer cannot be read or is unusable."""


def fixable_cause(error: BaseException | None) -> TinyStoriesError | None:
    """The error a user can fix behind `error`, also where a library wrapped it (Hydra's instantiate raises its
    own error from the one a constructor raised)."""
    while error is not None and not isinstance(error, TinyStoriesError):
        error = error.__cause__
    return error
