"""Streaming readers of import files (CSV and XLSX): rows come out one at a time, so memory stays flat
whatever the file size. Each row is ``(row_number, fields, cells)``; the header is row 1."""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from fupin_registry.imports import layout

Row = tuple[int, dict[str, str], list[str]]


class UnreadableFile(Exception):
    """The file is not a CSV or XLSX we can read, or its header is wrong (reason in the message)."""


def detect_format(path: Path, filename: str | None = None) -> str:
    name = (filename or path.name).lower()
    with path.open("rb") as f:
        magic = f.read(4)
    if magic == b"PK\x03\x04" or name.endswith(".xlsx"):
        if magic != b"PK\x03\x04":
            raise UnreadableFile("the file is named .xlsx but is not an XLSX workbook")
        return "xlsx"
    return "csv"


@dataclass
class Progress:
    bytes_read: int = 0


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the end of the sample
            return "utf-8"
        return "gb18030"  # spreadsheets saved as CSV by Chinese Excel


def _rows(fields: list[str | None], records: Iterator[list[str]], first_number: int) -> Iterator[Row]:
    width = len(fields)
    for number, cells in enumerate(records, start=first_number):
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        values = {}
        stripped = []
        for name, cell in zip(fields, cells, strict=False):
            cell = cell.strip()
            stripped.append(cell)
            if name is not None and cell:
                values[name] = cell
        if not values:
            continue  # blank line
        yield number, values, stripped


def read_csv(binary: IO[bytes], progress: Progress | None = None) -> tuple[list[str | None], Iterator[Row]]:
    head = binary.peek(65536)[:65536] if hasattr(binary, "peek") else b""
    text = io.TextIOWrapper(binary, encoding=_encoding(head), newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableFile("the file is empty") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UnreadableFile(f"not a readable CSV file: {exc}") from None
    fields, problems = layout.header_map(header)
    if problems:
        raise UnreadableFile("; ".join(problems))

    def records() -> Iterator[list[str]]:
        try:
            for count, record in enumerate(reader):
                if progress is not None and count % 1024 == 0:
                    progress.bytes_read = binary.tell()
                yield record
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UnreadableFile(f"unreadable CSV after line {reader.line_num}: {exc}") from None
        if progress is not None:
            progress.bytes_read = binary.tell()

    return fields, _rows(fields, records(), 2)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, progress: Progress | None = None) -> tuple[list[str | None], Iterator[Row]]:
    """The first worksheet, read-only (streamed). ID numbers must be stored as text: a number cell has
    lost its last digits already and is reported as such by the validator."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the uploader's problem
        raise UnreadableFile(f"not a readable XLSX workbook: {type(exc).__name__}") from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = [_cell(v) for v in next(rows)]
    except StopIteration:
        workbook.close()
        raise UnreadableFile("the worksheet is empty") from None
    fields, problems = layout.header_map(header)
    if problems:
        workbook.close()
        raise UnreadableFile("; ".join(problems))
    size = path.stat().st_size
    total = sheet.max_row or 0

    def records() -> Iterator[list[str]]:
        try:
            for count, values in enumerate(rows, start=2):
                if progress is not None and total and count % 256 == 0:
                    progress.bytes_read = min(size, size * count // total)
                yield [_cell(v) for v in values]
        finally:
            workbook.close()
        if progress is not None:
            progress.bytes_read = size

    return fields, _rows(fields, records(), 2)


def check_header(path: Path, file_format: str) -> None:
    """Raise :class:`UnreadableFile` unless the file opens and its header row maps to the layout."""
    if file_format == "xlsx":
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the uploader's problem
            raise UnreadableFile(f"not a readable XLSX workbook: {type(exc).__name__}") from None
        try:
            header = next(workbook.worksheets[0].iter_rows(values_only=True), None)
        finally:
            workbook.close()
        if header is None:
            raise UnreadableFile("the worksheet is empty")
        _, problems = layout.header_map([_cell(v) for v in header])
        if problems:
            raise UnreadableFile("; ".join(problems))
        return
    with path.open("rb") as handle:
        read_csv(handle)


def households(rows: Iterator[Row]) -> Iterator[list[Row]]:
    """Group contiguous rows by household number (户编号)."""
    group: list[Row] = []
    current: str | None = None
    for row in rows:
        number = row[1].get("household_no", "")
        if group and number != current:
            yield group
            group = []
        current = number
        group.append(row)
    if group:
        yield group
