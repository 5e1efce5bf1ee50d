"""Locust load test for ragd: simulated chat users over WebSocket (issue 11).

    python3 -m locust -f loadtest/locustfile.py --host ws://127.0.0.1:8000              # web UI on :8089
    python3 -m locust -f loadtest/locustfile.py --host ws://127.0.0.1:8000 --headless \\
        -u 50 -r 10 -t 2m --stop-timeout 30 --csv target/lt --ragd-mode native

Each user asks questions drawn from a question file over one of ragd's two WebSocket protocols
(docs/protocol.md) and reports to Locust, separately (request type "WS"):

    connect               the WebSocket handshake (TCP connect + HTTP upgrade)
    time to first token   question sent -> first token frame
    full answer           question sent -> end frame (native) / the server's close 1000 (book);
                          every question sent is one request here, failures carry their cause
    tokens/s              one sample per completed answer: its decode rate, in approximate
                          tokens (characters / 4) per second after the first token. Locust has
                          only "response times", so the rate travels in that field: read the
                          row's percentile columns as tokens/s, not ms (see loadtest/README.md)
    server close while idle   a reused native socket the server closed between two questions

Modes (--ragd-mode, RAGD_LT_MODE): "native" (ws://HOST/v1/chat: several questions per connection,
one at a time, with request ids; think time between them) or "book" (ws://HOST/: one question per
connection in the book's chat_history format; the server closes after the answer). Options and their
environment variables: python3 -m locust -f loadtest/locustfile.py --help, and loadtest/README.md.

Needs Debian's python3-locust (2.12) and python3-websocket (websocket-client 1.2). Locust
monkey-patches the standard library with gevent before it imports this file, so websocket-client's
blocking socket reads yield to other users instead of blocking the process.
"""
from __future__ import annotations

import csv
import itertools
import json
import logging
import os
import random
import select
import socket
import struct
import time
from pathlib import Path

from gevent import GreenletExit
import locust.runners
from locust import User, events, task
from locust.runners import WorkerRunner
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

import websocket  # after locust: its sockets are gevent's

log = logging.getLogger("ragd.loadtest")

# Debian's python3-locust 2.12.1 ships an empty version string. A worker announces its version
# to the master, and the master turns away an empty one as "an old (pre 2.0) worker", so
# --master/--worker never starts. Every process loads this file, so each gets the same stand-in.
if not locust.runners.__version__:
    locust.runners.__version__ = "0.0.0+unversioned"

HERE = Path(__file__).resolve().parent
DEFAULT_QUESTIONS = HERE.parent / "bench" / "questions.jsonl"
MODES = ("native", "book")
PATHS = {"native": "/v1/chat", "book": "/"}
CHARS_PER_TOKEN = 4.0  # the usual rule of thumb for English with GPT-style tokenizers

REQUEST_TYPE = "WS"
CONNECT = "connect"
FIRST_TOKEN = "time to first token"
FULL_ANSWER = "full answer"
RATE = "tokens/s"
IDLE_CLOSE = "server close while idle"


# ---------------------------------------------------------------------------------------------
# Options: command line (also shown in the web UI's start form), or environment variables.
# Defaults must not be None: the web UI converts an edited value with type(default)(value).

@events.init_command_line_parser.add_listener
def _add_options(parser):
    group = parser.add_argument_group("ragd", "ragd load test (loadtest/README.md)")
    group.add_argument("--ragd-mode", metavar="MODE", default="native", env_var="RAGD_LT_MODE",
                       help="native (ws://HOST/v1/chat, several questions per connection) or book "
                            "(ws://HOST/, one question per connection). Default: native (env RAGD_LT_MODE)")
    group.add_argument("--ragd-think-time", metavar="SECONDS", default="1-3", env_var="RAGD_LT_THINK_TIME",
                       help="seconds a user waits between two questions: N or MIN-MAX (uniform). Default: 1-3 (env RAGD_LT_THINK_TIME)")
    group.add_argument("--ragd-turns", metavar="N", type=int, default=5, env_var="RAGD_LT_TURNS",
                       help="native mode: questions per connection before the user reconnects. Default: 5 (env RAGD_LT_TURNS)")
    group.add_argument("--ragd-questions", metavar="FILE", default="", env_var="RAGD_LT_QUESTIONS",
                       help="question file: .jsonl (objects with \"q\" or \"question\") or text, one question "
                            "a line (# comments). Default: bench/questions.jsonl next to this folder (env RAGD_LT_QUESTIONS)")
    group.add_argument("--ragd-timeout", metavar="SECONDS", type=float, default=30.0, env_var="RAGD_LT_TIMEOUT",
                       help="seconds allowed for the handshake, and for one question from sent to its last "
                            "frame. Default: 30 (env RAGD_LT_TIMEOUT)")


class Settings:
    """The options as this process sees them (a worker gets the master's with each spawn message)."""

    def __init__(self, options, host):
        if options is None:
            raise ValueError("no parsed options (run the file with python3 -m locust)")
        self.mode = str(options.ragd_mode).strip().lower()
        if self.mode not in MODES:
            raise ValueError(f"--ragd-mode must be one of {', '.join(MODES)}, got {options.ragd_mode!r}")
        self.think = _think_range(str(options.ragd_think_time))
        self.turns = int(options.ragd_turns)
        if self.turns < 1:
            raise ValueError(f"--ragd-turns must be at least 1, got {self.turns}")
        self.timeout = float(options.ragd_timeout)
        if not self.timeout > 0:
            raise ValueError(f"--ragd-timeout must be more than 0 seconds, got {options.ragd_timeout}")
        self.questions = _question_path(str(options.ragd_questions))
        self.url = _ws_url(host, PATHS[self.mode])


def _think_range(text):
    parts = [p.strip() for p in text.strip().split("-")]
    try:
        lo, hi = (float(parts[0]), float(parts[0])) if len(parts) == 1 else (float(parts[0]), float(parts[1]))
        if len(parts) > 2 or lo < 0 or hi < lo:
            raise ValueError
    except ValueError:
        raise ValueError(f"--ragd-think-time must be N or MIN-MAX seconds (0 <= MIN <= MAX), got {text!r}") from None
    return lo, hi


def _question_path(text):
    if not text.strip():
        return DEFAULT_QUESTIONS
    path = Path(text.strip()).expanduser()
    if path.is_absolute() or path.exists():
        return path.resolve()
    beside = HERE.parent / path  # relative to the repository (a worker started from elsewhere)
    return beside if beside.exists() else path.resolve()


def _ws_url(host, path):
    if not host:
        raise ValueError("no host: give --host ws://HOST:PORT (or http://HOST:PORT)")
    host = host.strip().rstrip("/")
    for plain, ws in (("http://", "ws://"), ("https://", "wss://")):
        if host.startswith(plain):
            host = ws + host[len(plain):]
    if not host.startswith(("ws://", "wss://")):
        host = "ws://" + host
    return host + path  # a path in --host (a proxy's prefix) stays in front


_questions_by_path: dict = {}


def load_questions(path):
    """The questions of a file, read once per process and path."""
    key = str(path)
    if key not in _questions_by_path:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise ValueError(f"cannot read the question file {path}: {e}") from None
        questions = []
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if str(path).endswith(".jsonl"):
                try:
                    item = json.loads(line)
                except ValueError as e:
                    raise ValueError(f"{path}:{number}: not JSON: {e}") from None
                q = item if isinstance(item, str) else item.get("q", item.get("question")) if isinstance(item, dict) else None
                if not isinstance(q, str) or not q.strip():
                    raise ValueError(f"{path}:{number}: needs a string \"q\" (or \"question\")")
                line = q
            questions.append(line)
        if not questions:
            raise ValueError(f"the question file {path} holds no question")
        _questions_by_path[key] = questions
    return _questions_by_path[key]


@events.init.add_listener
def _check_options(environment, **_kwargs):
    # The master (or a standalone run) checks the options at start, so a typo fails at once.
    # A worker's own command line is not the test's: it gets the master's options with each spawn.
    if isinstance(environment.runner, WorkerRunner):
        return
    try:
        s = Settings(environment.parsed_options, environment.host or "ws://placeholder")
        load_questions(s.questions)
    except ValueError as e:
        raise SystemExit(f"loadtest/locustfile.py: {e}")


# ---------------------------------------------------------------------------------------------
# Per-process tallies, logged when the test stops (each worker logs its own).

TALLY = {"answers": 0, "frames": 0, "chars": 0, "server_tokens": 0, "server_token_answers": 0,
         "rate_not_measured": 0, "abandoned": 0}


@events.test_start.add_listener
def _reset(**_kwargs):
    for k in TALLY:
        TALLY[k] = 0


@events.test_stop.add_listener
def _summary(**_kwargs):
    t = TALLY
    if not (t["answers"] or t["abandoned"]):
        return
    line = (f"ragd load test, this process (pid {os.getpid()}): {t['answers']} full answers, {t['frames']} token "
            f"frames, {t['chars']} characters, ~{t['chars'] / CHARS_PER_TOKEN:.0f} tokens at "
            f"{CHARS_PER_TOKEN:g} characters per token")
    if t["server_token_answers"]:
        line += (f"; the end frames count {t['server_tokens']} completion tokens, "
                 f"{t['chars'] / max(t['server_tokens'], 1):.2f} characters per token")
    if t["rate_not_measured"]:
        line += f"; {t['rate_not_measured']} answers too short for a tokens/s sample"
    log.info(line)
    if t["abandoned"]:
        log.warning(f"{t['abandoned']} questions were still being answered when Locust stopped their users; "
                    "they are in no row (give --stop-timeout to let users finish their answer)")


@events.quitting.add_listener
def _final_csv(environment, **_kwargs):
    # Locust 2.12 rewrites --csv files once a second and not at exit, so they miss the last
    # second and the answers users finished during --stop-timeout: the printed summary and the
    # CSV disagree (locust issues #1806, #2299). Write the final numbers once more.
    options = environment.parsed_options
    prefix = getattr(options, "csv_prefix", None) if options is not None else None
    if not prefix or isinstance(environment.runner, WorkerRunner):
        return
    stats_csv = StatsCSV(environment, PERCENTILES_TO_REPORT)
    for suffix, write in (("_stats.csv", stats_csv.requests_csv), ("_failures.csv", stats_csv.failures_csv),
                          ("_exceptions.csv", stats_csv.exceptions_csv)):
        with open(prefix + suffix, "w") as f:
            write(csv.writer(f))


# ---------------------------------------------------------------------------------------------
# Failures: one exception class per cause; the message names what happened, without ids or
# timings, so Locust groups equal failures into one row of its failures table.

class RagdFailure(Exception):
    def __repr__(self):
        return f"{type(self).__name__}: {self}"


class ConnectFailed(RagdFailure):
    pass


class ErrorFrame(RagdFailure):
    pass


class Timeout(RagdFailure):
    pass


class EarlyClose(RagdFailure):
    pass


class ErrorClose(RagdFailure):
    pass


class Refused(RagdFailure):
    pass


class ProtocolViolation(RagdFailure):
    pass


def _close_code(data):
    code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None
    reason = data[2:].decode("utf-8", "replace") if len(data) > 2 else ""
    return code, reason


def _describe(e):
    if isinstance(e, websocket.WebSocketBadStatusException):
        return f"handshake refused: {e}"  # "Handshake status 429 Too Many Requests"
    if isinstance(e, ConnectionRefusedError):
        return "connection refused"
    if isinstance(e, (socket.timeout, websocket.WebSocketTimeoutException)):
        return "timed out"
    return f"{type(e).__name__}: {e}"


class Answer:
    """One question's timeline (perf_counter seconds) and the text of its token frames."""

    def __init__(self):
        self.sent = time.perf_counter()
        self.first = None
        self.last = None
        self.first_chars = 0
        self.frames = 0
        self.chars = 0
        self.server_tokens = None

    def token(self, text, now):
        if self.first is None:
            self.first = now
            self.first_chars = len(text)
        self.last = now
        self.frames += 1
        self.chars += len(text)

    def stage(self):
        return "before the first token" if self.first is None else "after the first token"


# ---------------------------------------------------------------------------------------------

_numbers = itertools.count(1)


class RagdUser(User):
    """A chat user: asks, reads the streamed answer, thinks, asks again."""

    def wait_time(self):
        lo, hi = self.settings.think
        return random.uniform(lo, hi)

    def on_start(self):
        self.settings = Settings(self.environment.parsed_options, self.host or self.environment.host)
        self.questions = load_questions(self.settings.questions)
        self.number = next(_numbers)
        self.email = f"locust-{socket.gethostname()}-{os.getpid()}-{self.number}@loadtest.invalid"
        self.ws = None
        self.turns = 0
        self.seq = 0

    def on_stop(self):
        self._close()

    @task
    def ask(self):
        if self.settings.mode == "native":
            self._native_question()
        else:
            self._book_question()

    # -- reporting ----------------------------------------------------------------------------

    def _report(self, name, response_time, length=0, exception=None):
        self.environment.events.request.fire(request_type=REQUEST_TYPE, name=name, response_time=response_time,
                                             response_length=length, exception=exception, context={},
                                             url=self.settings.url)

    def _report_answer(self, a, failure, done):
        ms = lambda t: (t - a.sent) * 1000.0
        if a.first is not None:
            self._report(FIRST_TOKEN, ms(a.first), a.first_chars)
        if failure is not None:
            self._report(FULL_ANSWER, ms(done), a.chars, exception=failure)
            return
        self._report(FULL_ANSWER, ms(done), a.chars)
        TALLY["answers"] += 1
        TALLY["frames"] += a.frames
        TALLY["chars"] += a.chars
        if a.server_tokens is not None:
            TALLY["server_tokens"] += a.server_tokens
            TALLY["server_token_answers"] += 1
        span = (a.last - a.first) if a.first is not None else 0.0
        if a.frames >= 2 and span >= 0.001:
            tokens = (a.chars - a.first_chars) / CHARS_PER_TOKEN
            self._report(RATE, tokens / span, round(a.chars / CHARS_PER_TOKEN))
        else:
            TALLY["rate_not_measured"] += 1

    # -- connections --------------------------------------------------------------------------

    def _connect(self):
        start = time.perf_counter()
        try:
            # No Origin header, like other non-browser clients: websocket-client would send
            # "http://HOST:PORT", which ragd refuses (403) behind a proxy that rewrites Host.
            # No pure-Python UTF-8 check: decoding each text frame checks it anyway.
            ws = websocket.create_connection(self.settings.url, timeout=self.settings.timeout,
                                             suppress_origin=True, skip_utf8_validation=True)
        except Exception as e:  # refused, reset, timed out, HTTP 429/403/404...: a failed connect
            self._report(CONNECT, (time.perf_counter() - start) * 1000.0, exception=ConnectFailed(_describe(e)))
            return None
        self._report(CONNECT, (time.perf_counter() - start) * 1000.0)
        return ws

    def _drop(self):
        """Forget the socket without a closing handshake (it is dead, or its state is unknown)."""
        if self.ws is not None:
            self.ws.shutdown()
            self.ws = None

    def _close(self):
        """Close a healthy socket: a close frame, then wait (shortly) for the server's."""
        if self.ws is not None:
            try:
                self.ws.close(timeout=1)
            except Exception:  # every question on it is already reported; closing changes no result
                pass
            self.ws = None

    def _recv(self, deadline):
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise websocket.WebSocketTimeoutException("deadline")
        self.ws.settimeout(remaining)
        return self.ws.recv_data(control_frame=True)

    def _still_open(self):
        """Whether the reused socket is still open: frames that arrived while idle are read first."""
        sock = self.ws.sock
        try:
            pending = bool(select.select([sock], [], [], 0)[0]) or bool(getattr(sock, "pending", lambda: 0)())
        except (OSError, ValueError):
            pending = True
        if not pending:
            return True
        started = time.perf_counter()
        try:
            opcode, data = self._recv(time.perf_counter() + 1.0)
        except Exception as e:
            failure = EarlyClose(f"connection lost while idle ({_describe(e)})")
        else:
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                code, reason = _close_code(data)
                failure = EarlyClose(f"close {code} {reason}".rstrip())
            elif opcode in (websocket.ABNF.OPCODE_PING, websocket.ABNF.OPCODE_PONG):
                return True
            else:
                failure = ProtocolViolation("a frame arrived with no question in flight")
        self._report(IDLE_CLOSE, (time.perf_counter() - started) * 1000.0, exception=failure)
        self._drop()
        return False

    # -- native protocol: ws://HOST/v1/chat -----------------------------------------------------

    def _native_question(self):
        if self.ws is not None and not self._still_open():
            self.ws = None
        if self.ws is None:
            self.ws = self._connect()
            self.turns = 0
            if self.ws is None:
                return
        self.seq += 1
        rid = f"q-{self.seq}"
        question = random.choice(self.questions)
        a = Answer()
        failure = None
        try:
            self.ws.send(json.dumps({"id": rid, "user_email": self.email, "stream": True,
                                     "messages": [{"role": "user", "content": question}]}))
            failure = self._read_native(rid, a)
        except GreenletExit:
            TALLY["abandoned"] += 1  # Locust stops this user now; not the server's failure
            self._drop()
            raise
        except (socket.timeout, websocket.WebSocketTimeoutException):
            failure = Timeout(f"no end frame within {self.settings.timeout:g} s ({a.stage()})")
            self._drop()  # closing cancels the request on the server; the socket is not reused
        except (websocket.WebSocketConnectionClosedException, OSError) as e:
            failure = EarlyClose(f"connection lost {a.stage()} ({_describe(e)})")
            self._drop()
        except ProtocolViolation as e:
            failure = e
            self._drop()
        except Exception as e:  # an unreadable frame, a websocket protocol error
            failure = ProtocolViolation(f"{a.stage()}: {type(e).__name__}: {e}")
            self._drop()
        self._report_answer(a, failure, time.perf_counter())
        self.turns += 1
        if self.ws is not None and self.turns >= self.settings.turns:
            self._close()

    def _read_native(self, rid, a):
        """Reads this question's frames up to its end; returns None when answered, else the failure."""
        deadline = a.sent + self.settings.timeout
        while True:
            opcode, data = self._recv(deadline)
            now = time.perf_counter()
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                code, reason = _close_code(data)
                self._drop()  # websocket-client has answered the close; reconnect for the next question
                return EarlyClose(f"close {code} {reason} {a.stage()}".replace("  ", " "))
            if opcode in (websocket.ABNF.OPCODE_PING, websocket.ABNF.OPCODE_PONG):
                continue
            if opcode != websocket.ABNF.OPCODE_TEXT:
                raise ProtocolViolation(f"a binary frame {a.stage()}")
            frame = json.loads(data.decode("utf-8"))
            kind = frame.get("type")
            if frame.get("id") != rid and not (kind == "error" and frame.get("id") is None):
                raise ProtocolViolation(f"a {kind} frame for another request id {a.stage()}")
            if kind == "token":
                a.token(frame.get("text", ""), now)
            elif kind == "end":
                a.server_tokens = (frame.get("timings") or {}).get("completion_tokens")
                return None
            elif kind == "answer":  # RAGD_TEST_MODE: the whole answer in one frame
                a.token(frame.get("answer", ""), now)
                return None
            elif kind == "error":
                retry = " (retryable)" if frame.get("retryable") else ""
                return ErrorFrame(f"{frame.get('code')}{retry} {a.stage()}: {frame.get('message')}")
            # start, sources: nothing to measure

    # -- book protocol: ws://HOST/ ------------------------------------------------------------

    def _book_question(self):
        self.ws = self._connect()
        if self.ws is None:
            return
        question = random.choice(self.questions)
        a = Answer()
        try:
            self.ws.send(json.dumps({"user_email": self.email, "chat_history": [f"user_question: {question}"]}))
            failure = self._read_book(a)
        except GreenletExit:
            TALLY["abandoned"] += 1
            self._drop()
            raise
        except (socket.timeout, websocket.WebSocketTimeoutException):
            failure = Timeout(f"no close within {self.settings.timeout:g} s ({a.stage()})")
        except (websocket.WebSocketConnectionClosedException, OSError) as e:
            failure = EarlyClose(f"connection lost {a.stage()} ({_describe(e)})")
        except Exception as e:
            failure = ProtocolViolation(f"{a.stage()}: {type(e).__name__}: {e}")
        self._report_answer(a, failure, time.perf_counter())
        self._drop()  # one question per connection: never send a second one on it

    def _read_book(self, a):
        """Reads frames until the server closes; returns None for a whole answer, else the failure."""
        deadline = a.sent + self.settings.timeout
        answering = False  # the "ANSWER:" print frame came: the question was admitted
        prints = []  # other print frames: a refusal or an error message
        while True:
            opcode, data = self._recv(deadline)
            now = time.perf_counter()
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                code, reason = _close_code(data)
                said = f": {' '.join(prints)}" if prints else ""
                if code == 1000 and answering and not prints:
                    return None
                if code == 1000:
                    return Refused(f"close 1000 without an answer{said}")  # e.g. the question is too long
                return ErrorClose(f"close {code} {reason} {a.stage()}{said}".replace("  ", " "))
            if opcode in (websocket.ABNF.OPCODE_PING, websocket.ABNF.OPCODE_PONG):
                continue
            if opcode != websocket.ABNF.OPCODE_TEXT:
                raise ProtocolViolation(f"a binary frame {a.stage()}")
            frame = json.loads(data.decode("utf-8"))
            content = frame.get("content") or {}
            if frame.get("type") == "stream":
                a.token(content.get("content", ""), now)
            elif frame.get("type") == "print":
                text = str(content.get("sep", " ")).join(str(o) for o in content.get("objects", []))
                if text == "ANSWER:" and not answering and a.first is None:
                    answering = True
                else:
                    prints.append(text)
