"""What a run says, and where: Lightning's adverts and the hints that do not apply to our runs are left out of the
console, and everything the libraries log, with the run summary and the sample stories, also goes to the run's
train.log (Hydra's log file). Lightning gives its loggers a console handler of their own and stops them from
propagating to the root logger, where Hydra's file handler is: without this, train.log stayed empty."""

from __future__ import annotations

import logging
import warnings

ADVERTS = ("💡 Tip:",)  # Lightning's promotions of its cloud products, at every start
LIBRARY_LOGGERS = ("lightning.pytorch", "lightning.fabric")
RUN_LOG = "tinystories.run"  # what is printed (summary, sample stories), for the log file only


class _DropAdverts(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(ADVERTS)


def _file_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, logging.FileHandler)]


def quiet_console() -> None:
    """Applies the above to this process's loggers; safe to call more than once."""
    # Lightning hints at srun whenever the command exists on the machine, also for a one-device run, and torch
    # 2.13 deprecates a pytree call Lightning makes: neither is the user's to act on.
    warnings.filterwarnings("ignore", message="The `srun` command is available on your system but is not used")
    warnings.filterwarnings("ignore", message=r"`isinstance\(treespec, LeafSpec\)` is deprecated")
    files = _file_handlers()
    # Imported after Hydra set up logging, Lightning's loggers propagate to the root's handlers and to the console
    # handler Lightning gives its top logger: those print the adverts too.
    handlers = [*logging.getLogger().handlers, *logging.getLogger("lightning").handlers]
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not logger.propagate:  # the root's file handler does not see it: give it that handler too (and drop
            # an earlier job's, in a multirun that runs its jobs in this process)
            logger.handlers = [h for h in logger.handlers if not isinstance(h, logging.FileHandler)] + files
        handlers += logger.handlers
    for handler in handlers:
        if not any(isinstance(f, _DropAdverts) for f in handler.filters):
            handler.addFilter(_DropAdverts())
    run_log = logging.getLogger(RUN_LOG)
    run_log.propagate, run_log.handlers = False, files
    run_log.setLevel(logging.INFO)


def to_log_file(text: str) -> None:
    """Writes printed text (the summary, sample stories, an error line) to train.log as well."""
    logging.getLogger(RUN_LOG).info(text)
