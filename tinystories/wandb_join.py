"""Joins the offline W&B segments of a resumed run into one offline run, to upload with `wandb sync`.

W&B offline cannot continue a run dir: every segment of a resumed or requeued run (the same run id, kept in the
checkpoint) is an `offline-run-*` dir of its own whose W&B step starts at 0 again, and uploading the segments one
by one makes the later one overlap or replace the earlier history upstream (wandb/wandb#3841). The trainer's own
axis, `trainer/global_step`, does continue, and a resumed run logs again, identically, the steps past its
checkpoint that the killed segment had already logged. So the join takes from each segment the rows logged before
the next segment's first step (the rule the CSV history follows on resume, tinystories.csv_history) and writes
them, in order, as one offline run with the segments' id, name, group, tags and config: one history, no gaps, no
duplicates. Sample tables come along; system metrics and console output stay in the segments.

A segment whose process was killed (SIGKILL, the OOM killer) lacks its last rows, often all of them: W&B's service
keeps the newest records in memory and quits without writing them when the training process dies
(wandb-core's `exitWhenParentIsGone`). Where the run also logged CSV (`logger=[csv,wandb]`), whose history is kept
across resumes, the rows W&B lost are taken from csv/metrics.csv; otherwise the join says which steps are missing.

    python -m tinystories.wandb_join outputs/my-run        # writes outputs/my-run/wandb-joined/
    wandb sync outputs/my-run/wandb-joined/wandb/offline-run-*
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from collections import Counter
from pathlib import Path

from tinystories import cli
from tinystories.atomic import atomic_path
from tinystories.errors import DataError
from tinystories.wandb_files import config, history, read_records

PROG = "python -m tinystories.wandb_join"
STEP = "trainer/global_step"  # Lightning's step axis, logged in every row
JOINED = "wandb-joined"
CARRIED_ARTIFACTS = ("model", "tokenizer")  # sample tables come with the rows that logged them


@dataclasses.dataclass
class Segment:
    """One offline run dir of a run: what W&B wrote of it, and the identity it logged under."""

    path: Path  # its .wandb file
    run_id: str
    identity: dict | None  # project, name, group, tags, notes, job_type; None when W&B wrote no run record
    rows: list[dict]
    config: dict
    finished: bool  # W&B wrote its exit record: the process ended, and nothing it logged was lost
    artifacts: list = dataclasses.field(default_factory=list)  # the checkpoints and tokenizer it logged (records)

    @property
    def first_step(self) -> float:
        return min((r[STEP] for r in self.rows if STEP in r), default=math.inf)

    @property
    def last_step(self) -> float:
        return max((r[STEP] for r in self.rows if STEP in r), default=-math.inf)


def read_segment(path: Path) -> Segment:
    try:
        records = read_records(path)
    except ValueError as error:  # not a W&B run file
        raise DataError(f"{error}: remove it from {path.parent.parent}, or name another run dir") from None
    kinds = [r.WhichOneof("record_type") for r in records]
    run_id = path.stem.removeprefix("run-")
    if "run" not in kinds:  # killed before W&B wrote anything
        return Segment(path, run_id, None, [], {}, finished=False)
    run = records[kinds.index("run")].run
    identity = {
        "project": run.project or None,
        "name": run.display_name or None,
        "group": run.run_group or None,
        "tags": list(run.tags) or None,
        "notes": run.notes or None,
        "job_type": run.job_type or None,
    }
    settings = {k: v for k, v in config(records).items() if not k.startswith("_")}
    artifacts = [r.artifact for r in records if r.WhichOneof("record_type") == "artifact"]
    artifacts = [a for a in artifacts if a.type in CARRIED_ARTIFACTS]
    return Segment(path, run.run_id, identity, history(records), settings, "exit" in kinds, artifacts)


def find_segments(run_dir: Path, run_id: str | None = None) -> list[Segment]:
    """The offline segments of the run under `run_dir`/wandb, oldest first (W&B names their dirs by start
    time). With several run ids there (a fresh start in an old run dir), those of `run_id`, by default of the
    newest segment's id."""
    paths = sorted((run_dir / "wandb").glob("offline-run-*/run-*.wandb"), key=lambda p: p.parent.name)
    if not paths:
        raise DataError(f"no offline W&B runs under {run_dir / 'wandb'}: name the run dir a run logged to")
    segments = [read_segment(p) for p in paths]
    ids = list(dict.fromkeys(s.run_id for s in segments))
    chosen = run_id or ids[-1]
    if chosen not in ids:
        raise DataError(f"no offline W&B run with id {chosen!r} under {run_dir / 'wandb'}; its ids: {', '.join(ids)}")
    chosen_segments = [s for s in segments if s.run_id == chosen]
    if not any(s.identity for s in chosen_segments):
        raise DataError(f"W&B wrote nothing of run {chosen} under {run_dir / 'wandb'}: every segment was killed early")
    return chosen_segments


def join_rows(segments: list[Segment]) -> list[tuple[Segment, dict]]:
    """Each segment's rows before the next (non-empty) segment's first step, in order, with their segment."""
    logged = [s for s in segments if s.rows]
    joined = []
    for i, segment in enumerate(logged):
        cut = logged[i + 1].first_step if i + 1 < len(logged) else math.inf
        joined += [(segment, r) for r in segment.rows if r.get(STEP, -math.inf) < cut]
    return joined


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def csv_rows(path: Path) -> list[dict]:
    """The rows of a CSV history (tinystories.csv_history) as W&B rows: the step under Lightning's W&B axis, the
    empty cells (metrics that row did not log) left out."""
    with open(path, newline="") as f:
        rows = [{k: _number(v) for k, v in r.items() if v != ""} for r in csv.DictReader(f)]
    return [{STEP: r.pop("step"), **r} for r in rows if "step" in r]


def _scalar_keys(row: dict) -> frozenset[str]:
    return frozenset(k for k, v in row.items() if not k.startswith("_") and not isinstance(v, dict))


def fill_from_csv(
    joined: list[tuple[Segment | None, dict]], history_rows: list[dict]
) -> list[tuple[Segment | None, dict]]:
    """`joined` with the rows of the CSV history it lacks (same step, same metrics) put in, in step order."""
    have = Counter((r.get(STEP), _scalar_keys(r)) for _, r in joined)
    missing = []
    for row in history_rows:
        key = (row[STEP], _scalar_keys(row))
        if have[key]:
            have[key] -= 1
        else:
            missing.append((None, row))
    step, keyed = -math.inf, []
    for i, (segment, row) in enumerate(joined):
        step = row.get(STEP, step)
        keyed.append(((step, 0, i), (segment, row)))
    keyed += [((row[STEP], 1, i), (None, row)) for i, (_, row) in enumerate(missing)]
    return [pair for _, pair in sorted(keyed, key=lambda k: k[0])]


def lost_steps(segments: list[Segment]) -> list[str]:
    """For each killed segment, which of its rows W&B did not write, as far as the files tell."""
    notes = []
    for i, segment in enumerate(segments):
        if segment.finished:
            continue
        after = next((s for s in segments[i + 1 :] if s.rows), None)
        until = f"step {after.first_step}" if after else "where it was killed"
        since = f"after step {segment.last_step}" if segment.rows else "from its start"
        notes.append(f"{segment.path.parent.name} was killed; W&B did not write its rows {since} until {until}")
    return notes


def _restored(value: object, files: Path) -> object:
    """A logged value as `wandb.log` takes it again: a table from its file, nested keys as dicts."""
    if isinstance(value, dict) and value.get("_type") == "table-file":
        import wandb

        table = json.loads((files / value["path"]).read_text())
        return wandb.Table(columns=table["columns"], data=table["data"])
    if isinstance(value, dict) and "_type" in value:
        raise DataError(f"a logged {value['_type']} cannot be joined yet; only numbers and tables can")
    if isinstance(value, dict):
        return {k: _restored(v, files) for k, v in value.items()}
    return value


def write_joined(rows: list[tuple[Segment | None, dict]], segments: list[Segment], out: Path) -> tuple[Path, list]:
    """Writes `rows` as one offline run under `out` (replacing an earlier join), with the identity of the newest
    segment W&B wrote one for, the config of all of them and the checkpoints and tokenizer they logged as
    artifacts; its offline-run dir, and the artifacts whose staged copies were gone."""
    import wandb

    merged_config: dict = {}
    for segment in segments:  # a resume with changed settings: the newest value
        merged_config.update(segment.config)
    identity = next(s.identity for s in reversed(segments) if s.identity)
    settings = wandb.Settings(mode="offline", silent=True, console="off", x_disable_stats=True, x_disable_meta=True)
    with atomic_path(out, folder=True) as tmp:
        run = wandb.init(
            dir=tmp, id=segments[0].run_id, config=merged_config, settings=settings, reinit="create_new", **identity
        )
        try:
            run.define_metric(STEP)  # as Lightning's WandbLogger declares its axis
            run.define_metric("*", step_metric=STEP, step_sync=True)
            for segment, row in rows:
                files = segment.path.parent / "files" if segment else out
                run.log({k: _restored(v, files) for k, v in row.items() if not k.startswith("_")})
            missing = [a for segment in segments for a in segment.artifacts if not relog_artifact(run, a)]
        finally:
            run.finish()
        (offline_run,) = Path(tmp, "wandb").glob("offline-run-*")
        name = offline_run.name
    return out / "wandb" / name, missing


def relog_artifact(run, logged) -> bool:
    """Logs again, into the joined run, an artifact a segment logged (a checkpoint, the tokenizer), from the copy
    wandb staged for it, with its aliases; False when that copy is gone."""
    import wandb

    files = [(e.path, Path(e.local_path)) for e in logged.manifest.contents]
    if not all(path.is_file() for _, path in files):
        return False
    artifact = wandb.Artifact(logged.name, type=logged.type, metadata=json.loads(logged.metadata or "{}"))
    for name, path in files:
        artifact.add_file(str(path), name=name)
    run.log_artifact(artifact, aliases=list(logged.aliases))
    return True


@dataclasses.dataclass
class JoinSettings:
    id: str | None = cli.setting(None, "the W&B run id to join, where a run dir holds several (default: the newest)")
    out: str | None = cli.setting(None, f"where to write the joined run (default: RUN_DIR/{JOINED})")
    csv: str | None = cli.setting(None, "the CSV history to take rows W&B lost from (default: RUN_DIR/csv/metrics.csv)")


def join(run_dir: Path, settings: JoinSettings) -> str:
    """Joins the run's segments; what was done, for the user."""
    segments = find_segments(run_dir, settings.id)
    rows: list[tuple[Segment | None, dict]] = list(join_rows(segments))
    lost = lost_steps(segments)
    history_csv = Path(settings.csv or run_dir / "csv" / "metrics.csv")
    filled = 0
    if lost and history_csv.is_file():
        rows = fill_from_csv(rows, csv_rows(history_csv))
        filled = sum(segment is None for segment, _ in rows)
    joined, missing = write_joined(rows, segments, Path(settings.out or run_dir / JOINED))
    steps = [r[STEP] for _, r in rows if STEP in r]
    lines = [
        f"Joined {len(segments)} offline segment(s) of W&B run {segments[0].run_id}: {len(rows)} rows, "
        f"{STEP} {min(steps, default=0)}..{max(steps, default=0)}, into {joined}"
    ]
    if lost:
        lines += [f"warning: {note}" for note in lost]
        if history_csv.is_file():
            lines.append(f"{filled} rows W&B did not write were taken from {history_csv}")
        else:
            lines.append(f"warning: no CSV history at {history_csv} to take them from: those steps are missing")
    carried = sum(len(s.artifacts) for s in segments) - len(missing)
    if carried:
        lines.append(f"{carried} artifact version(s) (checkpoints, tokenizer) logged again into the joined run")
    lines += [f"warning: the staged files of artifact {a.name} ({', '.join(a.aliases)}) are gone" for a in missing]
    lines.append(f"Upload it (not the segments) with:  wandb sync {joined}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    def run() -> None:
        args = cli.parse(argv, JoinSettings, prog=PROG, doc=__doc__, inputs="RUN_DIR")
        if len(args.inputs) != 1:
            raise DataError(f"name one run dir: {PROG} RUN_DIR")
        print(join(Path(args.inputs[0]), args.settings))

    return cli.run(run)


if __name__ == "__main__":
    raise SystemExit(main())
