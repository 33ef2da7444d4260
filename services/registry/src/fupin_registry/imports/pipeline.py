"""The reading half of an import: a source (file or demo generator) is read, grouped into households and
validated (``prepare``) into batches for the writer. It runs in a thread of the importer, or — for large
sources — in a process of its own (this module imports only what that needs, to keep the process small)."""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fupin_registry.imports import prepare as p
from fupin_registry.imports import reader

log = logging.getLogger(__name__)

BATCH_PERSONS = 5000
"""Persons per committed batch (≈ 2,200 households): big enough for COPY, small enough for memory."""
PROCESS_THRESHOLD_BYTES = 4 << 20
PROCESS_THRESHOLD_HOUSEHOLDS = 4000
"""Sources at least this large are read and validated in a separate process, so parsing runs on another
core than the writer (and, in the embedded default, than the relay and the consumers)."""


@dataclass
class Batch:
    prepared: list[p.Prepared] = field(default_factory=list)
    errors: list[p.RowError] = field(default_factory=list)
    rejected_households: int = 0
    rejected_rows: int = 0
    last_row: int = 0
    rows: int = 0
    bytes_read: int = 0
    persons: int = 0


class End:
    """The end of a source; ``failure`` says why it ended early (picklable: it may cross processes)."""

    def __init__(self, failure: str | None = None) -> None:
        self.failure = failure


@dataclass(frozen=True)
class Source:
    """Where a job's rows come from: its spooled file (``csv``/``xlsx``) or the demo-data generator."""

    kind: str
    path: str | None = None
    seed: int = 0
    households: int = 0

    def open(self, progress: reader.Progress) -> tuple[Any, Iterator[list[reader.Row]]]:
        if self.kind == "demo":
            from fupin_registry import demodata

            return None, demodata.as_rows(demodata.Generator(self.seed).households(self.households))
        path = Path(self.path or "")
        if self.kind == "xlsx":
            return None, reader.households(reader.read_xlsx(path, progress)[1])
        handle = path.open("rb")
        try:
            return handle, reader.households(reader.read_csv(handle, progress)[1])
        except BaseException:
            handle.close()
            raise

    @property
    def large(self) -> bool:
        """Worth a reader process of its own (it costs a second or two to start)."""
        if self.kind == "demo":
            return self.households >= PROCESS_THRESHOLD_HOUSEHOLDS
        return self.path is not None and Path(self.path).stat().st_size >= PROCESS_THRESHOLD_BYTES


def _put(out: queue.Queue, item: Any, stop: threading.Event) -> bool:
    while not stop.is_set():
        with suppress(queue.Full):
            out.put(item, timeout=0.2)
            return True
    return False


def produce(groups: Iterator[list[reader.Row]], ctx: p.Context, out: queue.Queue, *, skip_through: int,
            progress: reader.Progress, stop: threading.Event, batch_persons: int = BATCH_PERSONS) -> None:
    """Reader thread: validate households and hand batches to the writer (bounded queue: flat memory)."""
    batch = Batch()
    try:
        for group in groups:
            if stop.is_set():
                return
            last = group[-1][0]
            if last <= skip_through:
                continue
            result = p.prepare(group, ctx)
            if isinstance(result, p.Prepared):
                batch.prepared.append(result)
                batch.persons += len(result.members)
            else:
                batch.errors.extend(result)
                batch.rejected_households += 1
                batch.rejected_rows += len(group)
            batch.rows += len(group)
            batch.last_row = last
            if batch.persons >= batch_persons or len(batch.errors) >= 5000:
                batch.bytes_read = progress.bytes_read
                if not _put(out, batch, stop):
                    return
                batch = Batch()
        batch.bytes_read = progress.bytes_read
        if _put(out, batch, stop):
            _put(out, End(), stop)
    except reader.UnreadableFile as exc:
        _put(out, End(str(exc)), stop)
    except BaseException as exc:  # noqa: BLE001 - handed to the writer, which fails the job
        log.error("import reader failed", exc_info=exc)
        _put(out, End(f"import failed: {type(exc).__name__}"), stop)


def produce_in_process(source: Source, ctx: p.Context, out: Any, skip_through: int, batch_persons: int) -> None:
    """Body of the reader process: open the source, validate, send batches back."""
    progress = reader.Progress()
    stop = threading.Event()
    try:
        handle, groups = source.open(progress)
    except reader.UnreadableFile as exc:
        _put(out, End(str(exc)), stop)
        return
    try:
        produce(groups, ctx, out, skip_through=skip_through, progress=progress, stop=stop,
                batch_persons=batch_persons)
    finally:
        if handle is not None:
            handle.close()


def next_batch(out: Any, process: Any) -> Any:
    """The next batch; an ``End`` if the reader process died without saying so."""
    while True:
        try:
            return out.get(timeout=0.5)
        except queue.Empty:
            if process is not None and not process.is_alive():
                try:
                    return out.get(timeout=0.5)
                except queue.Empty:
                    return End(f"the reader process stopped (exit code {process.exitcode})")
