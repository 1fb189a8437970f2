"""Errors a user can fix, and how a run ends on one. train.py prints their message alone (no traceback) and exits
with code 2, so each message must say what is wrong and how to fix it."""

from __future__ import annotations

import errno
import logging
import os
import sys


class TinyStoriesError(Exception):
    """Base class of every error caused by input the user can change."""


class ConfigError(TinyStoriesError):
    """A config value is missing, out of range, or inconsistent with another."""


class DataError(TinyStoriesError):
    """A data source or tokenizer cannot be read or is unusable."""


class NonFiniteLoss(TinyStoriesError):
    """The training loss became NaN or infinite: the run diverged."""


class StoppedBySignal(Exception):
    """The run stopped on a stop request (SIGTERM, SIGINT) after saving a checkpoint; the process exits with
    `exit_code` (128 + the signal's number) so that the scheduler does not record a success."""

    def __init__(self, exit_code: int) -> None:
        super().__init__(f"stopped by signal {exit_code - 128}")
        self.exit_code = exit_code


class JobError(Exception):
    """A user error raised from a job of a submitit launcher: a plain exception, because submitit pickles what a
    job raises to show it where the job was submitted, and a SystemExit cannot be pickled."""


FULL_DISK = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def fixable_cause(error: BaseException | None) -> TinyStoriesError | None:
    """The error a user can fix behind `error`, also where a library wrapped it (Hydra's instantiate raises its
    own error from the one a constructor raised); a full disk or quota counts as one."""
    seen = set()
    while error is not None and id(error) not in seen and not isinstance(error, TinyStoriesError):
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in FULL_DISK:
            where = f" writing {error.filename}" if error.filename else ""
            return TinyStoriesError(
                f"the disk is full or over quota{where} ({os.strerror(error.errno)}); free space, or point "
                f"paths.log_dir and paths.cache_dir at a disk that has it, and run again"
            )
        error = error.__cause__ or error.__context__
    return error


def exit_for(error: BaseException) -> BaseException | None:
    """How the process ends on `error`: a stop request's exit code; a fixable error as one `error:` line and exit
    code 2 (or a JobError that carries the line, inside a submitit job); None for anything else, which is a bug
    to be shown with its traceback."""
    if isinstance(error, StoppedBySignal):
        return SystemExit(error.exit_code)
    if (fixable := fixable_cause(error)) is None:
        return None
    if os.environ.get("SUBMITIT_EXECUTOR"):
        return JobError(f"error: {fixable}")
    print(f"error: {fixable}", file=sys.stderr)
    if (run_log := logging.getLogger("tinystories.run")).handlers:  # train.log, where one is kept
        run_log.error(f"error: {fixable}")
    return SystemExit(2)
