"""Read a run's ``parsl.log`` as a stream into :class:`~.model.Run` records.

Parsl's log lines are not an API. This parser was written for the lines Parsl
:data:`WRITTEN_FOR` writes with its default file format (``parsl.log_utils.DEFAULT_FORMAT``:
``created asctime process-pid thread-tid logger:lineno function LEVEL: message``, a
multi-line message's later lines as they are). A line it cannot place is counted and quoted
as *unrecognised*, never an error, so a log from another Parsl version still gives what can
be read from it.

Memory stays flat in the size of the log: lines are read one at a time, only the tracebacks
of a task's final failure and the configuration dump are kept, and identical tracebacks
(the same error from many tasks of one app) are kept once.

Several DFK starts in one file (a log that several runs appended to) are read one after the
other; the report covers one of them (the last, or the one whose run id was asked for), and
says how many there were.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from parsl_lint.postmortem.model import FINAL_STATES, Executor, Failure, Run, Task

#: The Parsl release whose log lines this parser was written for and tested against.
WRITTEN_FOR = "2026.10.26"

#: How many unrecognised lines, and run-level error lines, a report quotes.
QUOTED_LINES = 5
MAX_EVENTS = 20
#: A traceback longer than this many lines keeps its first and last lines only.
MAX_TRACEBACK_LINES = 400

_HEADER = re.compile(
    rb"(\d+\.\d+) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d (.+?)-\d+ (.+?)-\d+ "
    rb"([\w.]+):(\d+) (\S+) (DEBUG|INFO|WARNING|ERROR|CRITICAL): (.*)"
)
_HEADER_START = re.compile(rb"\d+\.\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d ")
_DFLOW = b" parsl.dataflow.dflow:"

_SUBMITTED = re.compile(
    r"submitted for App (\S+), (?:not waiting on any dependency|waiting on (.*))$"
)
_DEP_IN_LIST = re.compile(r"(?:^|, )(?:DataFuture from )?task (\d+)(?=, |$)")
_HAS_DEP_TASK = re.compile(r"has dependency task (\d+)$")
_SENT_TO = re.compile(r"will be sent to executor (\S+)$")
_TRY_FAILED = re.compile(r"try (\d+) failed with exception of type (\S+)$")
_FAILED_AFTER = re.compile(r"failed after (\d+) retry attempts$")
_LAUNCHED = re.compile(
    r"Parsl task (\d+) try (\d+) launched on executor (\S+?)(?: with executor id (\d+))?$"
)
_STREAM = re.compile(
    r"Standard (out|error) for task (\d+) will (?:be redirected to (.*?)(?: with mode \S+)?"
    r"|not be redirected\.|staged to (.*))$"
)
_IGNORED_TASK_MESSAGES = (
    "has outstanding dependencies",
    "is not pending",
    "has dependency future",
    "failed due to dependency failure",
)
#: A join app's inner tasks are known only through their futures' addresses: "Task 5 has
#: AppFuture: <AppFuture at 0x7f..>" when a task is submitted (from a join app's body, on a
#: ``_parsl_internal`` thread), then "Join callback for task 3, inner_app_future <AppFuture at
#: 0x7f..>" when the join app's task sees it finish (both DEBUG).
_FUTURE_ADDRESS = re.compile(r"<AppFuture at (0x[0-9a-f]+)")
_JOIN_CALLBACK = re.compile(
    r"Join callback for task (\d+), inner_app_future <AppFuture at (0x[0-9a-f]+)"
)
_INTERNAL_THREAD = b"_parsl_internal"
#: The last lines a DFK writes to parsl.log when its cleanup ran ("DFK cleanup complete" is
#: logged after Parsl removed its own file handler, so it is not in the file).
_END_OF_RUN = ("Workflow shutdown information", "Unregistering log handler", "DFK cleanup complete")
_EXCEPTION_LINE = re.compile(r"([A-Za-z_][\w.]*)(?:: (.*))?$")


class LogReport:
    """What the parser made of a log besides the run: its shape and what it could not read."""

    def __init__(self) -> None:
        self.lines = 0
        self.recognised = 0  #: lines in Parsl's header layout
        self.unrecognised = 0
        self.unrecognised_examples: list[str] = []
        self.dfk_starts: list[str | None] = []  #: the run id of each DFK start, in order
        self.cut_mid_line = False  #: the last line has no newline
        self.ends_in_traceback = False  #: the file ends inside a multi-line message


def parse_log(stream: BinaryIO, run_id: str | None = None) -> tuple[Run | None, LogReport]:
    """Read ``stream`` (a binary file) and return the chosen DFK's run and the log report.

    ``run_id`` chooses a DFK start; by default the last one is returned. The run is None
    when the log holds no DFK start (or none with that run id) and no task lines.
    """
    parser = _Parser(run_id)
    parser.feed(stream)
    return parser.result()


class _Parser:
    def __init__(self, wanted_run_id: str | None) -> None:
        self.wanted = wanted_run_id
        self.report = LogReport()
        self.run: Run | None = None
        self.chosen: Run | None = None
        self.capture: list[str] | None = None  # continuation lines of the current message
        self.on_capture_end: _CaptureTarget | None = None
        self.texts: dict[str, str] = {}  # interned traceback texts
        self.addresses: dict[str, int] = {}  # AppFuture address -> id, of join apps' tasks

    # -- reading -------------------------------------------------------------------------

    def feed(self, stream: BinaryIO) -> None:
        # The hot loop: most lines are DEBUG chatter; they are rejected by substring tests
        # before any regular expression or decoding.
        report = self.report
        header_start = _HEADER_START.match
        dflow, dflow_len = _DFLOW, len(_DFLOW)
        lines = recognised = 0
        last = b""
        for raw in stream:
            last = raw
            lines += 1
            if raw[-1:] != b"\n":
                break  # the last line, cut off (or still being written): not read
            if self.capture is not None:
                if not header_start(raw):
                    self._continue_capture(raw)
                    continue
                self._end_capture()
            at = raw.find(dflow)
            if at < 0:
                if b" ERROR: " in raw or b" CRITICAL: " in raw or b" WARNING: " in raw:
                    if self._other_line(raw):
                        recognised += 1
                elif raw[:1].isdigit() and header_start(raw):
                    if _HEADER.match(raw):
                        recognised += 1
                    else:
                        self._unrecognised(raw)
                elif recognised == 0 and raw.strip():
                    self._unrecognised(raw)
                continue
            if not header_start(raw):
                continue  # a later line of a message that is not kept
            rest = raw[at + dflow_len :]
            colon = rest.find(b": ")
            if colon < 0:
                self._unrecognised(raw)
                continue
            recognised += 1
            message = rest[colon + 2 :]
            level = rest[rest.rfind(b" ", 0, colon) + 1 : colon]
            if level == b"DEBUG" and not message.startswith((b"Task ", b"Join callback")):
                continue
            if message.startswith(b"Task ") and b" has AppFuture: " in message:
                if _INTERNAL_THREAD in raw[:at]:  # submitted from a join app's body
                    self._future_address(message)
                continue
            self._dflow(raw[: raw.find(b" ")], level, message)
        report.lines, report.recognised = lines, report.recognised + recognised
        if self.capture is not None:
            report.ends_in_traceback = True
            self._end_capture()
        if last and not last.endswith(b"\n"):
            report.cut_mid_line = True

    def _continue_capture(self, raw: bytes) -> None:
        capture = self.capture
        assert capture is not None
        if len(capture) < MAX_TRACEBACK_LINES:
            capture.append(_text(raw))
        elif len(capture) == MAX_TRACEBACK_LINES:
            capture.append("...")
        else:  # keep the end: the exception line is the last one
            capture[-1] = _text(raw)

    def result(self) -> tuple[Run | None, LogReport]:
        run = self.chosen if self.wanted is not None else self.run
        return run, self.report

    # -- lines ---------------------------------------------------------------------------

    def _unrecognised(self, raw: bytes) -> None:
        self.report.unrecognised += 1
        if len(self.report.unrecognised_examples) < QUOTED_LINES:
            self.report.unrecognised_examples.append(_text(raw)[:300])

    def _other_line(self, raw: bytes) -> bool:
        """An error or warning of another part of Parsl: kept as a run-level event."""
        match = _HEADER.match(raw)
        if match is None:
            if _HEADER_START.match(raw):
                self._unrecognised(raw)
            return False
        run = self._current_run()
        if len(run.events) < MAX_EVENTS:
            logger, level, message = match.group(4), match.group(7), match.group(8)
            run.events.append(f"{level.decode()} {logger.decode()}: {_text(message)[:500]}")
        else:
            run.events_dropped += 1
        return True

    def _dflow(self, created: bytes, level: bytes, raw_message: bytes) -> None:
        message = raw_message.decode("utf-8", "replace").rstrip("\r\n")
        if message.startswith("Task "):
            self._task_line(created, message)
        elif message.startswith("Parsl task "):
            self._launched(created, message)
        elif message.startswith("Standard "):
            self._stream(message)
        elif message.startswith("Starting DataFlowKernel"):
            self._dfk_start(float(created))
        elif message.startswith("Parsl version: "):
            self._current_run().parsl_version = message[len("Parsl version: ") :].strip()
        elif message.startswith("Run id is: "):
            self._set_run_id(message[len("Run id is: ") :].strip())
        elif message == "DFK cleanup initiated":
            self._current_run().cleanup_started = True
        elif message.startswith(_END_OF_RUN):
            self._current_run().cleanup_complete = True
        elif message.startswith("Reusing cached result for task "):
            pass  # the state lines say memo_done
        elif message.startswith("Join callback for task "):
            self._join_callback(message)
        elif level in (b"ERROR", b"CRITICAL", b"WARNING"):
            run = self._current_run()
            if len(run.events) < MAX_EVENTS:
                run.events.append(f"{level.decode()} parsl.dataflow.dflow: {message[:500]}")

    def _task_line(self, created: bytes, message: str) -> None:
        head, _, rest = message[5:].partition(" ")
        if not head.isdigit():
            self._unrecognised(message.encode())
            return
        tid = int(head)
        task = self.run.tasks.get(tid) if self.run is not None else None
        if task is None:
            task = self._task(tid)
        if rest.startswith("changing state from "):
            words = rest.split(" ")
            if len(words) == 6 and words[4] == "to":
                self._state(task, words[5], created)
                return
        elif rest.startswith("initializing state to "):
            self._state(task, rest[len("initializing state to ") :], created)
            return
        elif rest.startswith("submitted for App"):
            match = _SUBMITTED.match(rest)
            if match:
                task.app = match.group(1)
                task.submitted = float(created)
                if match.group(2):
                    deps = [int(m.group(1)) for m in _DEP_IN_LIST.finditer(match.group(2))]
                    task.depends = _merge(task.depends, deps)
                return
        elif rest.startswith("has dependency task"):
            match = _HAS_DEP_TASK.match(rest)
            if match:
                task.depends = _merge(task.depends, [int(match.group(1))])
                return
        elif rest.startswith("will be sent"):
            match = _SENT_TO.match(rest)
            if match:
                task.executor = match.group(1)
                return
        elif rest.startswith("try "):
            match = _TRY_FAILED.match(rest)
            if match:
                task.try_errors.append(match.group(2))
                return
        elif rest.startswith("failed after"):
            if _FAILED_AFTER.match(rest):
                self._start_capture(_CaptureTarget(self, task))
                return
        elif rest.startswith("failed due to failure of an inner join future"):
            task.join_failed = True
            return
        elif rest.startswith("requested invalid executor"):
            task.executor = rest.rpartition(" ")[2]
            self._start_capture(_CaptureTarget(self, task))
            return
        elif rest.startswith(_IGNORED_TASK_MESSAGES):
            return
        self._unrecognised(message.encode())

    def _future_address(self, message: bytes) -> None:
        text = message.decode("utf-8", "replace")
        head = text[5:].partition(" ")[0]
        match = _FUTURE_ADDRESS.search(text)
        if head.isdigit() and match:
            self.addresses[match.group(1)] = int(head)

    def _join_callback(self, message: str) -> None:
        match = _JOIN_CALLBACK.match(message)
        if match is None:
            self._unrecognised(message.encode())
            return
        inner = self.addresses.get(match.group(2))
        if inner is not None:
            task = self._task(int(match.group(1)))
            task.joins = _merge(task.joins, [inner])

    def _launched(self, created: bytes, message: str) -> None:
        match = _LAUNCHED.match(message)
        if match is None:
            self._unrecognised(message.encode())
            return
        task = self._task(int(match.group(1)))
        task.tries = max(task.tries, int(match.group(2)) + 1)
        task.executor = match.group(3)
        if task.launched is None:
            task.launched = float(created)
        if match.group(4) is not None:
            task.executor_ids.append(int(match.group(4)))

    def _stream(self, message: str) -> None:
        match = _STREAM.match(message)
        if match is None:
            self._unrecognised(message.encode())
            return
        target = match.group(3) or match.group(4)
        if target:
            task = self._task(int(match.group(2)))
            if match.group(1) == "out":
                task.stdout = target
            else:
                task.stderr = target

    def _state(self, task: Task, state: str, created: bytes) -> None:
        task.state = state
        if state in FINAL_STATES:
            task.ended = float(created)

    # -- DFK starts ----------------------------------------------------------------------

    def _dfk_start(self, created: float) -> None:
        if self.run is not None and self.run is not self.chosen:
            self.run.tasks.clear()  # a later start replaces it; memory stays flat
        self.addresses.clear()
        self.run = Run()
        self.run.started = created
        self.report.dfk_starts.append(None)
        self._start_capture(_ConfigTarget(self.run))

    def _set_run_id(self, run_id: str) -> None:
        run = self._current_run()
        run.run_id = run_id
        if self.report.dfk_starts:
            self.report.dfk_starts[-1] = run_id
        else:
            self.report.dfk_starts.append(run_id)
        if self.wanted is not None and run_id == self.wanted:
            self.chosen = run

    def _current_run(self) -> Run:
        if self.run is None:  # a log whose start was cut off
            self.run = Run()
        return self.run

    def _task(self, tid: int) -> Task:
        run = self._current_run()
        task = run.tasks.get(tid)
        if task is None:
            task = run.tasks[tid] = Task(tid)
            task.sources = 1
        return task

    # -- multi-line messages -------------------------------------------------------------

    def _start_capture(self, target: _CaptureTarget | _ConfigTarget) -> None:
        self.capture = []
        self.on_capture_end = target  # type: ignore[assignment]

    def _end_capture(self) -> None:
        lines, target = self.capture, self.on_capture_end
        self.capture = None
        self.on_capture_end = None
        if lines is not None and target is not None:
            target.done(lines)

    def intern(self, text: str) -> str:
        return self.texts.setdefault(text, text)


class _CaptureTarget:
    """The traceback logged with a task's final failure."""

    def __init__(self, parser: _Parser, task: Task) -> None:
        self.parser = parser
        self.task = task

    def done(self, lines: list[str]) -> None:
        type_name, message = exception_of(lines)
        if type_name is None:
            return
        text = self.parser.intern("\n".join(lines))
        self.task.failure = Failure(
            self.parser.intern(type_name), self.parser.intern(message), text
        )


class _ConfigTarget:
    """The configuration dump after "Starting DataFlowKernel with config"."""

    def __init__(self, run: Run) -> None:
        self.run = run

    def done(self, lines: list[str]) -> None:
        self.run.executors = executors_of(lines)


def exception_of(lines: list[str]) -> tuple[str | None, str]:
    """The class name and message of the last exception of a logged traceback.

    Python prints it after the last frame: the first line at column 0 after the last
    ``Traceback`` block, possibly followed by more lines of the message.
    """
    start = None
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if line.startswith(" ") or not line:
            if start is not None:
                break
            continue
        if line.startswith("Traceback (most recent call last)"):
            break
        start = i
    if start is None:
        return None, ""
    match = _EXCEPTION_LINE.match(lines[start])
    if match is None:
        return None, ""
    rest = [line for line in lines[start + 1 :]]
    message = "\n".join([match.group(2) or "", *rest]).strip("\n")
    return match.group(1), message


_EXECUTOR_START = re.compile(r"^    (?:executors=\()?(?:\), )?(\w*Executor)\($")
_EXECUTOR_FIELD = re.compile(r"^        (label|worker_logdir_root|mem_per_worker)=(.*?),? ?$")


def executors_of(lines: list[str]) -> dict[str, Executor]:
    """The executors of a logged ``Config(...)`` repr, by label."""
    executors: dict[str, Executor] = {}
    current: Executor | None = None
    for line in lines:
        start = _EXECUTOR_START.match(line)
        if start:
            current = Executor(start.group(1))
            continue
        field = _EXECUTOR_FIELD.match(line)
        if field is None or current is None:
            continue
        name, value = field.group(1), _literal(field.group(2))
        if name == "label" and isinstance(value, str):
            current.label = value
            executors[value] = current
        elif name == "worker_logdir_root" and isinstance(value, str):
            current.worker_logdir_root = value
        elif name == "mem_per_worker" and isinstance(value, (int, float)):
            current.mem_per_worker = float(value)
    return executors


def _literal(text: str) -> object:
    import ast

    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return None


def _merge(old: tuple[int, ...], new: list[int]) -> tuple[int, ...]:
    if not old:
        return tuple(dict.fromkeys(new))
    return tuple(dict.fromkeys([*old, *new]))


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").rstrip("\r\n")
