"""Tracebacks as text: the ones ``parsl.log`` holds, split into their chained exceptions and
frames, and shown without Parsl's own machinery, as the runtime helper shows live ones.

A logged traceback starts in the DFK (``handle_exec_update``), goes through Parsl's re-raise
of the worker's exception (``parsl/app/errors.py``, ``reraise``) and only then reaches the
app's own frames. The same trimming rules as :mod:`parsl_lint.runtime` apply: everything up
to the last ``reraise`` (and its ``wrapper``) is dropped, or else the leading frames of
``parsl/dataflow``, ``concurrent/futures`` and ``functools``; an exception whose frames are
all Parsl's, dill's or pickle's is shown by its exception line alone. Column carets are
dropped (frames rebuilt on a worker have none that are right).
"""

from __future__ import annotations

import re

CAUSE_LINK = "The above exception was the direct cause of the following exception:"
CONTEXT_LINK = "During handling of the above exception, another exception occurred:"
_FRAME = re.compile(r'  File "(.*)", line (\d+), in (.*)$')
_CARETS = re.compile(r"^\s*[~^]+\s*$")
_INTERNAL_FILES = ("process_worker_pool.py", "interchange.py", "pickle.py")


class Frame:
    __slots__ = ("file", "function", "line", "source")

    def __init__(self, file: str, line: int, function: str) -> None:
        self.file = file
        self.line = line
        self.function = function
        self.source: list[str] = []

    @property
    def basename(self) -> str:
        return self.file.replace("\\", "/").rpartition("/")[2]


class Segment:
    """One exception of a chain: the link that led to it, its frames and its text."""

    __slots__ = ("exception", "frames", "has_header", "link")

    def __init__(self, link: str | None) -> None:
        self.link = link
        self.has_header = False
        self.frames: list[Frame] = []
        self.exception: list[str] = []


def segments(text: str) -> list[Segment]:
    """The chained exceptions of a formatted traceback, oldest first (as Python prints)."""
    result: list[Segment] = []
    current: Segment | None = None
    link: str | None = None
    for line in text.split("\n"):
        if line in (CAUSE_LINK, CONTEXT_LINK):
            if current is not None:
                _strip_blank_tail(current.exception)
            link, current = line, None
            continue
        if current is None:
            if not line.strip():
                continue
            current = Segment(link)
            link = None
            result.append(current)
        if line.startswith("Traceback (most recent call last)") and not current.exception:
            current.has_header = True
            continue
        frame = _FRAME.match(line)
        if frame and not current.exception:
            current.frames.append(Frame(frame.group(1), int(frame.group(2)), frame.group(3)))
            continue
        if line.startswith("    ") and current.frames and not current.exception:
            if not _CARETS.match(line):
                current.frames[-1].source.append(line.strip())
            continue
        current.exception.append(line)
    if current is not None:
        _strip_blank_tail(current.exception)
    return result


def _strip_blank_tail(lines: list[str]) -> None:
    while lines and not lines[-1].strip():
        lines.pop()


def is_internal(frame: Frame) -> bool:
    """A frame of Parsl's own machinery, its worker pool, dill or pickle."""
    path = frame.file.replace("\\", "/")
    return (
        "/parsl/" in path
        or "/dill/" in path
        or frame.basename in _INTERNAL_FILES
        or "/concurrent/futures/" in path
    )


def trim(frames: list[Frame]) -> list[Frame]:
    """Drop the leading frames of Parsl's re-raise (see the module docstring)."""
    if not frames:
        return frames
    start = 0
    for i, frame in enumerate(frames):
        if frame.file.replace("\\", "/").endswith("/parsl/app/errors.py") and (
            frame.function == "reraise"
        ):
            start = i + 1
    if start:
        nxt = frames[start] if start < len(frames) else None
        if nxt is not None and nxt.file.replace("\\", "/").endswith("/parsl/app/errors.py"):
            start += 1
    else:
        while start < len(frames):
            path = frames[start].file.replace("\\", "/")
            if "/parsl/dataflow/" in path or "/concurrent/futures/" in path:
                start += 1
            elif frames[start].basename == "functools.py":
                start += 1
            else:
                break
    return frames[min(start, len(frames) - 1) :]


def shown(text: str) -> list[str]:
    """The traceback as the report shows it: trimmed, carets dropped, chains kept."""
    lines: list[str] = []
    for segment in segments(text):
        if segment.link is not None:
            lines += ["", segment.link, ""]
        kept = trim(segment.frames)
        if kept and not all(is_internal(f) for f in kept):
            omitted = len(segment.frames) - len(kept)
            note = (
                f"; {omitted} internal frame{'s' if omitted > 1 else ''} omitted" if omitted else ""
            )
            lines.append(f"Traceback (most recent call last{note}):")
            for frame in kept:
                lines.append(f'  File "{frame.file}", line {frame.line}, in {frame.function}')
                lines += [f"    {source}" for source in frame.source]
        lines += segment.exception
    return lines


def last_user_frame(text: str) -> Frame | None:
    """The innermost frame of the final exception that is not Parsl's machinery."""
    chain = segments(text)
    if not chain:
        return None
    for frame in reversed(chain[-1].frames):
        if not is_internal(frame):
            return frame
    return None


def frame_names(text: str) -> tuple[list[str], list[str]]:
    """Base file names and function names of every frame of every exception of the chain."""
    files: list[str] = []
    functions: list[str] = []
    for segment in segments(text):
        for frame in segment.frames:
            files.append(frame.basename)
            functions.append(frame.function)
    return files, functions


def context_exception(text: str) -> str | None:
    """The first line of the exception before the final one (the one it was raised while
    handling, or caused by), e.g. the pickling error behind a SerializationError."""
    chain = segments(text)
    if len(chain) < 2 or not chain[-2].exception:
        return None
    first = chain[-2].exception[0]
    name, sep, rest = first.partition(": ")
    return f"{name.rpartition('.')[2]}{sep}{rest}"
