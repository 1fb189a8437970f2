"""Checkpoints named by their W&B artifact: `ckpt=wandb:ENTITY/PROJECT/model-RUNID:best` wherever a checkpoint is
taken (generate, evaluate, export). A run with `logger.wandb.log_model` logs its best and last checkpoints as
`model-RUNID` (Lightning's name) with the aliases `best` and `latest`; a checkpoint carries its tokenizer, so the
artifact is all a user needs.

Online, wandb's public API downloads the artifact (into wandb's artifact cache). Offline (no credentials, or
WANDB_MODE=offline) the artifact is not on a server yet: it is found in its run's own records (the offline run's
`.wandb` file) and read from the copy wandb staged for `wandb sync`, so the same name works before the upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tinystories.errors import ConfigError
from tinystories.wandb_mode import wandb_offline

PREFIX = "wandb:"
FILE = "model.ckpt"  # the name Lightning gives the checkpoint inside a model artifact


@dataclass(frozen=True)
class ArtifactRef:
    path: str  # ENTITY/PROJECT/NAME, PROJECT/NAME or NAME, as W&B writes artifact paths
    alias: str  # best, latest, v3, ...

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return f"{self.path}:{self.alias}"


def is_wandb_ref(source: object) -> bool:
    return isinstance(source, str) and source.startswith(PREFIX)


def parse(ref: str) -> ArtifactRef:
    """`wandb:ENTITY/PROJECT/NAME:ALIAS`; the alias defaults to `latest`, as in W&B."""
    body = ref[len(PREFIX) :] if ref.startswith(PREFIX) else ref
    path, _, alias = body.rpartition(":") if ":" in body else (body, "", "latest")
    if not path or not alias or path.count("/") > 2:
        raise ConfigError(f"{ref!r} is not a W&B artifact name: write wandb:ENTITY/PROJECT/model-RUNID:best")
    return ArtifactRef(path, alias)


def resolve_checkpoint(ref: str, search: Path | None = None) -> Path:
    """The local `.ckpt` file of a model artifact: downloaded when online, found in the offline run files under
    `search` (default: the current folder) when offline."""
    art = parse(ref)
    if wandb_offline():
        return offline_file(art, Path.cwd() if search is None else search)
    import wandb

    try:
        folder = Path(wandb.Api().artifact(str(art), type="model").download())
    except Exception as e:  # wandb's CommError, UsageError, ValueError: all mean "not fetched"
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ConfigError(f"W&B artifact {art} could not be fetched ({reason})") from None
    if not (folder / FILE).is_file():
        raise ConfigError(f"W&B artifact {art} holds no {FILE}: is it a model artifact of a tinystories run?")
    return folder / FILE


def offline_file(art: ArtifactRef, search: Path, file: str = FILE) -> Path:
    """The staged copy of `file` in the version of an offline run's artifact that `art.alias` names: an alias it
    was logged with (the last version logged with it), or vN, the N-th distinct version as the server will
    number them."""
    from tinystories.wandb_files import read_records

    run_id = art.name.split("-", 1)[1] if art.name.startswith(("model-", "tokenizer-")) else "*"
    logged = []
    for run_file in sorted(search.glob(f"**/offline-run-*-{run_id}/run-*.wandb")):
        logged += [r.artifact for r in read_records(run_file) if r.WhichOneof("record_type") == "artifact"]
    versions = [a for a in logged if a.name == art.name]
    if not versions:
        raise ConfigError(
            f"W&B is offline and no offline run under {search} logged an artifact {art.name}: run from the folder "
            f"that holds the run dirs, or use the checkpoint's path (RUN_DIR/checkpoints/best-*.ckpt)"
        )
    digests = list(dict.fromkeys(a.digest for a in versions))
    if art.alias.startswith("v") and art.alias[1:].isdigit() and int(art.alias[1:]) < len(digests):
        chosen = next(a for a in versions if a.digest == digests[int(art.alias[1:])])
    else:
        named = [a for a in versions if art.alias in a.aliases]
        if not named:
            known = sorted({alias for a in versions for alias in a.aliases} | {f"v{i}" for i in range(len(digests))})
            raise ConfigError(f"artifact {art.name} has no version {art.alias!r} offline; it has {', '.join(known)}")
        chosen = named[-1]
    entry = next((e for e in chosen.manifest.contents if e.path == file), None)
    if entry is None:
        raise ConfigError(f"artifact {art} holds no {file}")
    staged = Path(entry.local_path)
    if not staged.is_file():
        raise ConfigError(
            f"the copy of {art} that wandb staged offline is gone ({staged}; `wandb sync` removes it once uploaded): "
            f"fetch it online, or use the checkpoint's path"
        )
    return staged
