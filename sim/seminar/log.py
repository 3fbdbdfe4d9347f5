"""The session log: JSON lines, appended and flushed as the session goes.

Line 1 is the header (``"kind": "session"``): the format, the scenario file and its hash, the
lens, the seed, the run index, the teams, the versions and the starting digest. Every command
typed then adds one line (``"kind": "command"``): its number, the line as typed, whether it was
accepted, the branch and quarter after it, the digest after it, and for ``next`` the digest of
every quarter it adjudicated. Each line is written whole and flushed (and fsync'ed) before the
next command is read, so a crash loses at most the command being executed; a line cut in the
middle (the crash came during the write) is ignored by :func:`read_log`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.files.errors import InputError

LOG_FORMAT = 1


@dataclass(frozen=True)
class LogContents:
    """A log read back: its header, its complete command records, and where they end.

    ``complete_bytes`` is the length of the file up to the end of the last complete line: a
    resumed session cuts the file there before appending.
    """

    header: dict[str, Any]
    commands: list[dict[str, Any]]
    complete_bytes: int
    cut_line: bool


def read_log(path: str | Path) -> LogContents:
    """Read a session log, ignoring a last line cut in the middle.

    Raises:
        InputError: the file is missing, has no header, or a complete line is not a record.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(str(path), None, "", f"cannot read the log: {err.strerror}") from None
    records: list[dict[str, Any]] = []
    offset = 0
    cut = False
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        if not raw.endswith(b"\n"):
            cut = True  # the crash came while this line was written
            break
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputError(str(path), number, "", "this line is not a JSON record of a "
                             "geosim seminar log") from None
        if not isinstance(record, dict) or "kind" not in record:
            raise InputError(str(path), number, "kind", "every record of a seminar log has "
                             "a 'kind'")
        records.append(record)
        offset += len(raw)
    if not records or records[0].get("kind") != "session":
        raise InputError(str(path), 1, "kind", "a seminar log starts with its session "
                         "header (kind: session); is this a geosim seminar log?")
    header = records[0]
    if header.get("format") != LOG_FORMAT:
        raise InputError(str(path), 1, "format", f"log format {header.get('format')!r} is not "
                         f"the one this geosim reads ({LOG_FORMAT})")
    for field in ("scenario", "lens", "seed", "run", "play"):
        if field not in header:
            raise InputError(str(path), 1, field, "the session header lacks this field")
    commands = [r for r in records[1:] if r.get("kind") == "command"]
    for number, record in enumerate(records[1:], start=2):
        if record.get("kind") == "command" and not isinstance(record.get("line"), str):
            raise InputError(str(path), number, "line", "a command record needs its line")
    return LogContents(header, commands, offset, cut)


class LogWriter:
    """Appends records to a log file, one whole line each, flushed to disk at once."""

    def __init__(self, path: str | Path, *, resume_at: int | None = None) -> None:
        """Open ``path`` for appending; ``resume_at`` cuts it there first (a resumed log)."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if resume_at is not None:
            with self.path.open("r+b") as f:
                f.truncate(resume_at)
        self._file = self.path.open("ab")

    def write(self, record: dict[str, Any]) -> None:
        """Append one record as a JSON line and flush it to disk."""
        line = json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"
        self._file.write(line.encode("utf-8"))
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file."""
        self._file.close()
