"""Reads what a W&B run logged from its offline `.wandb` file: for joining the offline segments of a resumed run
(tinystories.wandb_join), and for tests that check the real files wandb writes. wandb itself has no public reader.

The file is a LevelDB-style log (as wandb's own datastore writes it): a 7-byte file header, then 32 KiB blocks
of records, each with a 7-byte header (checksum, length, type) and a protobuf `Record` as payload, split across
blocks when long.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

BLOCK, HEADER = 32768, 7
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4


def read_records(path: Path) -> list:
    """The file's protobuf `Record`s, in order (a killed writer's incomplete last record left out)."""
    from wandb.proto import wandb_internal_pb2  # imported by the commands that read, not by those that list

    data = Path(path).read_bytes()
    if data[:4] != b":W&B":
        raise ValueError(f"{path} is not a W&B run file")
    pos, records, parts = HEADER, [], []
    while pos + HEADER <= len(data):
        left_in_block = BLOCK - pos % BLOCK
        if left_in_block < HEADER:
            pos += left_in_block
            continue
        _crc, length, kind = struct.unpack("<IHB", data[pos : pos + HEADER])
        if kind == 0 and length == 0:
            pos += left_in_block  # zero padding to the end of the block
            continue
        if pos + HEADER + length > len(data):
            break  # the tail of a file whose writer was killed mid-record
        payload = data[pos + HEADER : pos + HEADER + length]
        pos += HEADER + length
        parts.append(payload)
        if kind in (FULL, LAST):
            record = wandb_internal_pb2.Record()
            try:
                record.ParseFromString(b"".join(parts))
            except Exception as error:  # protobuf's DecodeError: a damaged record
                raise ValueError(f"{path} is damaged at byte {pos} ({error})") from None
            records.append(record)
            parts = []
    return records


def _records(source: Path | list) -> list:
    """A file's records, or the records already read (a caller that asks several questions reads once)."""
    return source if isinstance(source, list) else read_records(source)


def _put(out: dict, item) -> None:
    """Items of logged objects (tables, media) come as one item per field, under a nested key."""
    *parents, leaf = [item.key] if item.key else list(item.nested_key)
    for p in parents:
        out = out.setdefault(p, {})
    out[leaf] = json.loads(item.value_json)


def history(source: Path | list) -> list[dict]:
    """Every `log` call's row, as {key: value}."""
    rows = []
    for r in _records(source):
        if r.WhichOneof("record_type") == "history":
            rows.append({})
            for i in r.history.item:
                _put(rows[-1], i)
    return rows


def config(source: Path | list) -> dict:
    """The run's config: what `wandb.init` was given (in the run record), then every update."""
    out: dict = {}
    for r in _records(source):
        kind = r.WhichOneof("record_type")
        if kind in ("run", "config"):
            for i in (r.run if kind == "run" else r).config.update:
                _put(out, i)
    return out


def run_ids(path: Path) -> set[str]:
    return {r.run.run_id for r in read_records(path) if r.WhichOneof("record_type") == "run"}


def run_info(path: Path) -> dict[str, str]:
    """The run's display name and group, as the first `run` record gives them."""
    run = next(r.run for r in read_records(path) if r.WhichOneof("record_type") == "run")
    return {"name": run.display_name, "group": run.run_group}


def summary(path: Path) -> dict:
    """The run's summary, as its last `summary` records leave it."""
    out: dict = {}
    for r in read_records(path):
        if r.WhichOneof("record_type") == "summary":
            for item in r.summary.update:
                _put(out, item)
    return out
