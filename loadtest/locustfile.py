"""Locust load test for ragd: simulated chat users over WebSocket (issue 11).

    python3 -m locust -f loadtest/locustfile.py --host ws://127.0.0.1:8000              # web UI on :8089
    python3 -m locust -f loadtest/locustfile.py --host ws://127.0.0.1:8000 --headless \\
        -u 50 -r 10 -t 2m --stop-timeout 30 --csv target/lt --ragd-mode native

Each user asks questions drawn from a question file over one of ragd's two WebSocket protocols
(docs/protocol.md), or, in openai mode, straight to an OpenAI-compatible model server (the one
ragd would call), and reports to Locust, separately (request type "WS" in every mode):

    connect               the WebSocket handshake (TCP connect + HTTP upgrade); openai: the TCP
                          connect (+ TLS handshake) of a new keep-alive connection
    time to first token   question sent -> first token frame (openai: first chunk with content)
    full answer           question sent -> end frame (native) / the server's close 1000 (book) /
                          data: [DONE] (openai); every question sent is one request here,
                          failures carry their cause
    tokens/s              one sample per completed answer: its decode rate, in approximate
                          tokens (characters / 4) per second after the first token. Locust has
                          only "response times", so the rate travels in that field: read the
                          row's percentile columns as tokens/s, not ms (see loadtest/README.md)
    server close while idle   a reused native socket the server closed between two questions

Modes (--ragd-mode, RAGD_LT_MODE): "native" (ws://HOST/v1/chat: several questions per connection,
one at a time, with request ids; think time between them), "book" (ws://HOST/: one question per
connection in the book's chat_history format; the server closes after the answer) or "openai"
(POST <--host>/chat/completions, streamed: the same user against the model server directly, so
that ragd's overhead over its model is measured by the same load generator). Options and their
environment variables: python3 -m locust -f loadtest/locustfile.py --help, and loadtest/README.md.
--ragd-ends FILE writes the log_id of every answer a user received whole, one a line (with its
send time, time to first token and serving replica).

Needs Debian's python3-locust (2.12) and python3-websocket (websocket-client 1.2). Locust
monkey-patches the standard library with gevent before it imports this file, so websocket-client's
and http.client's blocking socket reads yield to other users instead of blocking the process.
"""
from __future__ import annotations

import csv
import http.client
import itertools
import json
import logging
import os
import random
import select
import socket
import struct
import time
import urllib.parse
from pathlib import Path

from gevent import GreenletExit
import locust.runners
from locust import User, events, task
from locust.runners import STATE_CLEANUP, STATE_INIT, STATE_STOPPED, STATE_STOPPING, MasterRunner, WorkerRunner
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
MODES = ("native", "book", "openai")
PATHS = {"native": "/v1/chat", "book": "/"}
OPENAI_BASE = "/v1"  # the OpenAI base path, for a --host without one
# What names a completed answer in the --ragd-ends file, by mode (for the failure without one)
ANSWER_IDS = {"native": "the end frame has no log_id", "book": "no frame carried a uuid (log_id)",
              "openai": "no chunk carried an id"}
CHARS_PER_TOKEN = 4.0  # the usual rule of thumb for English with GPT-style tokenizers

# "WS" in openai mode too: every mode's rows are then the same (type, name) pairs, and one
# reader of the CSV files handles a run against ragd and one against its model alike.
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
                       help="native (ws://HOST/v1/chat, several questions per connection), book "
                            "(ws://HOST/, one question per connection) or openai (POST HOST/chat/completions "
                            "to an OpenAI-compatible model server; --host is its base URL, e.g. "
                            "http://127.0.0.1:8100/v1). Default: native (env RAGD_LT_MODE)")
    group.add_argument("--ragd-think-time", metavar="SECONDS", default="1-3", env_var="RAGD_LT_THINK_TIME",
                       help="seconds a user waits between two questions: N or MIN-MAX (uniform). Default: 1-3 (env RAGD_LT_THINK_TIME)")
    group.add_argument("--ragd-turns", metavar="N", type=int, default=5, env_var="RAGD_LT_TURNS",
                       help="native mode: questions per connection before the user reconnects. Default: 5 (env RAGD_LT_TURNS)")
    group.add_argument("--ragd-questions", metavar="FILE", default="", env_var="RAGD_LT_QUESTIONS",
                       help="question file: .jsonl (objects with \"q\" or \"question\") or text, one question "
                            "a line (# comments). Default: bench/questions.jsonl next to this folder (env RAGD_LT_QUESTIONS)")
    group.add_argument("--ragd-timeout", metavar="SECONDS", type=float, default=30.0, env_var="RAGD_LT_TIMEOUT",
                       help="seconds allowed for the handshake (openai: the TCP connect), and for one question "
                            "from sent to its last frame. Default: 30 (env RAGD_LT_TIMEOUT)")
    group.add_argument("--ragd-model", metavar="NAME", default="gpt-4o-mini", env_var="RAGD_LT_MODEL",
                       help="openai mode: the request's \"model\". Default: gpt-4o-mini (env RAGD_LT_MODEL)")
    group.add_argument("--ragd-api-key", metavar="KEY", default="", env_var="RAGD_LT_API_KEY",
                       help="openai mode: sent as Authorization: Bearer KEY. Default: a placeholder that "
                            "ragd mock-llm accepts (env RAGD_LT_API_KEY)")
    group.add_argument("--ragd-ends", metavar="FILE", default="", env_var="RAGD_LT_ENDS",
                       help="append the log_id (openai: the completion id) of every answer a user received "
                            "whole to FILE, one a line, flushed at once; a worker writes FILE.<pid>. "
                            "Default: none (env RAGD_LT_ENDS)")


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
        if self.mode == "openai":
            self.scheme, self.http_host, self.http_port, self.http_path, self.url = _openai_endpoint(host)
            self.model = str(options.ragd_model).strip() or "gpt-4o-mini"
            # An OpenAI-compatible server wants a key; the mock takes any non-empty one.
            self.api_key = str(options.ragd_api_key).strip() or "ragd-loadtest"
        else:
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


def _openai_endpoint(host):
    """(scheme, host, port, path, url) of the chat-completions endpoint under the base URL --host."""
    if not host:
        raise ValueError("no host: give --host http://HOST:PORT/v1, the model server's base URL")
    text = host.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"--ragd-mode openai needs an http:// or https:// --host (the model server's base URL), got {host!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValueError(f"--host has no valid port: {host!r}") from None
    if not parts.hostname:
        raise ValueError(f"--host names no host: {host!r}")
    # OpenAI's SDKs append the endpoint to the base URL, path included (a proxy's prefix, Azure's
    # deployment path); a bare host:port gets OpenAI's own /v1. A query (api-version) is kept.
    path = (parts.path.rstrip("/") or OPENAI_BASE) + "/chat/completions" + (f"?{parts.query}" if parts.query else "")
    netloc = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return parts.scheme, parts.hostname, port, path, f"{parts.scheme}://{netloc}:{port}{path}"


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
        s = Settings(environment.parsed_options, environment.host or "http://placeholder")
        load_questions(s.questions)
        if _ends_wanted(environment) and not isinstance(environment.runner, MasterRunner):
            ENDS.open(environment)  # a standalone run: the file exists from the start, even with no answer
    except ValueError as e:
        raise SystemExit(f"loadtest/locustfile.py: {e}")
    except OSError as e:
        raise SystemExit(f"loadtest/locustfile.py: --ragd-ends: cannot open {e.filename}: {e.strerror}")


# ---------------------------------------------------------------------------------------------
# --ragd-ends: the ids of the answers users received whole, for an audit against ragd's chat log.

RESET_MESSAGE = "ragd_reset_stats"  # master -> worker: the master reset its statistics


class EndsFile:
    """This process's --ragd-ends file: one line per answer received whole, its log_id.

    A line is written just before that answer's "full answer" success is reported, with nothing
    between the two that could switch to another greenlet: the file's lines and Locust's successes
    are the same answers. Line-buffered: each line reaches the operating system as it is written,
    so a process killed later loses none of the answers it had received. Appended, never
    truncated: give each run a file of its own.

    --reset-stats makes Locust forget the ramp-up's requests once all users run. Their answers
    were received all the same and stay in the file, for the audit; a line
    "# reset-stats N (...)" then says that Locust's counts leave out the file's first N answers.
    """

    def __init__(self):
        self.path = None
        self.file = None
        self.answers = 0  # answer lines in the file (those of earlier runs too)
        self.at_open = 0  # ... of which were there when this process opened it
        # A worker: the answers written when each of its statistics reports was taken, by the
        # report's number
        self.report_seq = 0
        self.at_report = {}

    @staticmethod
    def path_for(environment):
        options = environment.parsed_options
        name = str(getattr(options, "ragd_ends", "") or "").strip() if options is not None else ""
        if not name:
            return None
        # Workers (on one machine or several) would interleave their lines in one file, and they
        # get the master's options, so one name: each worker writes its own, named by its pid.
        return f"{name}.{os.getpid()}" if isinstance(environment.runner, WorkerRunner) else name

    def open(self, environment):
        """The file for the options now in force (they may change in the web UI), or None."""
        path = self.path_for(environment)
        if path != self.path:
            self.close()
            if path is not None:
                try:
                    with open(path, encoding="utf-8") as old:
                        self.answers = sum(1 for line in old if line.strip() and not line.startswith("#"))
                except FileNotFoundError:
                    self.answers = 0
                self.file = open(path, "a", buffering=1, encoding="utf-8")
                self.at_open = self.answers
                self.at_report = {}  # reports taken before: none of this file's answers were in them
            self.path = path
        return self.file

    def answer(self, environment, log_id, sent_epoch, ttft_ms, upstream):
        """The answer's line: its id, then tab-separated the Unix time its question was sent (s),
        the time to its first token (ms, "-" when none came) and the replica that served it (the
        proxy's X-Ragd-Upstream header on the handshake, "-" without one)."""
        f = self.open(environment)
        if f is not None:
            ttft = "-" if ttft_ms is None else f"{ttft_ms:.1f}"
            f.write(f"{log_id}\t{sent_epoch:.3f}\t{ttft}\t{upstream or '-'}\n")
            self.answers += 1

    def mark_reset(self, environment, left_out):
        f = self.open(environment)
        if f is not None:
            f.write(f"# reset-stats {left_out} (Locust's counts leave out this file's first {left_out} answers)\n")

    def close(self):
        if self.file is not None:
            self.file.close()
        self.file = None
        self.path = None


ENDS = EndsFile()
_environment = None
_last_report_merged: dict = {}  # master: worker client id -> the seq of its last report merged


def _ends_wanted(environment):
    options = environment.parsed_options
    return options is not None and bool(str(getattr(options, "ragd_ends", "") or "").strip())


@events.init.add_listener
def _ends_init(environment, **_kwargs):
    global _environment
    _environment = environment
    if isinstance(environment.runner, WorkerRunner):
        environment.runner.register_message(RESET_MESSAGE, _worker_reset_message)


# Where Locust's counts start, when --reset-stats resets them once all users run (or the web
# UI's "Reset stats" does). Standalone, Locust resets the statistics in the same event, and
# nothing in between can run a user: the count of answers written so far is the mark.
# Distributed, the master resets the sum of the workers' reports merged so far; what a worker
# answered after its last merged report comes in later reports and is counted. So each report
# carries a sequence number, the master tells every worker which one was its last merged at the
# reset, and the worker marks the answers it had written when it took that report.

def _counts_restart(env):
    if isinstance(env.runner, MasterRunner):
        for client in env.runner.clients.all:
            env.runner.send_message(RESET_MESSAGE, {"seq": _last_report_merged.get(client.id, 0)}, client.id)
    elif not isinstance(env.runner, WorkerRunner):
        ENDS.mark_reset(env, ENDS.answers)


@events.spawning_complete.add_listener
def _ends_reset(**_kwargs):
    env = _environment
    if env is None or not env.reset_stats or not _ends_wanted(env):
        return
    if isinstance(env.runner, WorkerRunner):
        # A worker given --reset-stats itself (Locust's documentation says to give it to both)
        # drops what it has not reported yet at each of its spawning_complete events, which
        # come before or after the master's reset: then the master counts the answers of some
        # reports and not of the ones in between, and no line of the file marks where its count
        # starts. The master's reset alone decides. This listener runs before Locust's own.
        log.info("--ragd-ends: this worker leaves --reset-stats to the master")
        env.reset_stats = False
    else:
        _counts_restart(env)


@events.reset_stats.add_listener
def _ends_reset_button(**_kwargs):
    env = _environment
    if env is not None and _ends_wanted(env):
        _counts_restart(env)


def _worker_reset_message(environment, msg, **_kwargs):
    seq = (msg.data or {}).get("seq", 0)
    ENDS.mark_reset(environment, max(ENDS.at_open, ENDS.at_report.get(seq, 0)))


@events.report_to_master.add_listener
def _ends_report(data, **_kwargs):
    # A worker, taking a statistics report: its answers so far, under the report's number
    ENDS.report_seq += 1
    ENDS.at_report[ENDS.report_seq] = ENDS.answers
    data["ragd_ends_seq"] = ENDS.report_seq


@events.worker_report.add_listener
def _ends_merged(client_id, data, **_kwargs):
    if "ragd_ends_seq" in data:
        _last_report_merged[client_id] = data["ragd_ends_seq"]


@events.test_start.add_listener
def _ends_open(environment, **_kwargs):
    # A worker knows the file's name only now (the master's options come with the spawn message);
    # opening it here makes a worker that received no answer leave an empty file, not none.
    if isinstance(environment.runner, MasterRunner):
        return
    try:
        ENDS.open(environment)
    except OSError as e:
        log.error(f"--ragd-ends: cannot open {e.filename}: {e.strerror}; each answer will fail to be written")


@events.quitting.add_listener
def _ends_close(**_kwargs):
    ENDS.close()


# ---------------------------------------------------------------------------------------------
# Per-process tallies, logged when the test stops (each worker logs its own).

TALLY = {"answers": 0, "frames": 0, "chars": 0, "server_tokens": 0, "server_token_answers": 0,
         "rate_not_measured": 0, "abandoned": 0, "idle_closed": 0}


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
        line += (f"; the server counts {t['server_tokens']} completion tokens (end frames, usage chunks), "
                 f"{t['chars'] / max(t['server_tokens'], 1):.2f} characters per token")
    if t["rate_not_measured"]:
        line += f"; {t['rate_not_measured']} answers too short for a tokens/s sample"
    if t["idle_closed"]:
        line += f"; {t['idle_closed']} keep-alive connections the server had closed while idle were reopened"
    log.info(line)
    if t["abandoned"]:
        log.warning(f"{t['abandoned']} questions were still being answered when Locust stopped their users; "
                    "they are in no row (give --stop-timeout to let users finish their answer)")


# A distributed run's end. Locust 2.12's master, at the end of --run-time (or on Ctrl+C), sends
# "quit" to its workers, waits 0.5 s for their last statistics and exits. A worker then stops its
# users, letting each finish its answer for up to --stop-timeout, and only then sends its last
# report, to a master that is gone: the answers of the workers' last report interval (3 s) and
# all those finished during --stop-timeout were in no count, and --stop-timeout only kept the
# server from logging them as cancelled. So the master stops the test first, as its web UI's
# stop button does: it sends "stop" and waits until each worker reports that its users stopped;
# each worker sends its last report before saying so; then the master quits.

def _stop_first(environment):
    """Stops a test still running (users finish their answers), so that its counts are complete."""
    runner = environment.runner
    if runner is None or isinstance(runner, WorkerRunner) or runner.state in (
            STATE_INIT, STATE_STOPPED, STATE_STOPPING, STATE_CLEANUP):
        return  # not started, stopped, or being stopped
    if not isinstance(runner, MasterRunner):
        runner.stop()
        return
    # Locust's master waits for its workers exactly --stop-timeout, as long as their users may
    # take: a race. Some seconds more while it waits (the master's own copy; workers have theirs).
    saved = environment.stop_timeout
    environment.stop_timeout = (saved or 0) + 10
    try:
        runner.stop()
    finally:
        environment.stop_timeout = saved


@events.init.add_listener
def _master_stops_before_quitting(environment, runner=None, **_kwargs):
    if not isinstance(runner, MasterRunner):
        return
    quit_now = runner.quit

    def quit_after_stop():
        _stop_first(environment)
        quit_now()

    runner.quit = quit_after_stop


@events.test_stop.add_listener
def _worker_last_report(environment, **_kwargs):
    if not isinstance(environment.runner, WorkerRunner):
        return
    # The users have stopped: this report is the last, and it reaches the master before the
    # "client_stopped" that the master waits for (one connection, in order).
    environment.runner._send_stats()
    # After "stop", a worker sleeps --stop-timeout before it tells the master it is ready again
    # (its users have stopped already). The master has forgotten it meanwhile, so it would not
    # get the master's "quit", and would exit only when it misses the master's heartbeats, a
    # minute later. The next spawn message sets the value again.
    environment.stop_timeout = 0


@events.quitting.add_listener
def _final_csv(environment, **_kwargs):
    # Locust 2.12 rewrites --csv files once a second and not at exit, so they miss the last
    # second and the answers users finished during --stop-timeout: the printed summary and the
    # CSV disagree (locust issues #1806, #2299). Write the final numbers once more.
    options = environment.parsed_options
    prefix = getattr(options, "csv_prefix", None) if options is not None else None
    if not prefix or isinstance(environment.runner, WorkerRunner):
        return
    # On Ctrl+C or SIGTERM, Locust fires this event first and stops the users only afterwards;
    # the answers they finish then would be in the printed summary and the --ragd-ends file, not
    # in the CSV. (At the end of --run-time the test has stopped already.)
    _stop_first(environment)
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


class HttpStatus(RagdFailure):
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


def _upstream_of(ws):
    """The replica a proxy passed this socket to, from the handshake's X-Ragd-Upstream header
    (`ragd loadtest` adds it to its nginx: "addr" or, after a retry, "addr1, addr2"), or None."""
    try:
        headers = ws.getheaders() or {}
    except Exception:
        return None
    value = next((v for k, v in headers.items() if k.lower() == "x-ragd-upstream"), None)
    if not value:
        return None
    return value.split(",")[-1].strip() or None  # the last one tried is the one that answered


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
        self.log_id = None  # what names the answer: ragd's log_id (openai: the completion id)

    def token(self, text, now):
        if self.first is None:
            self.first = now
            self.first_chars = len(text)
        self.last = now
        self.frames += 1
        self.chars += len(text)

    def stage(self):
        return "before the first token" if self.first is None else "after the first token"

    def named(self, log_id, what):
        """Keeps the id that names the answer; one frame naming another is a protocol violation."""
        if not isinstance(log_id, str) or not log_id:
            return
        if self.log_id is None:
            self.log_id = log_id
        elif log_id != self.log_id:
            raise ProtocolViolation(f"{what} names another id than the frames before it {self.stage()}")


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
        self.upstream = None  # the replica behind the proxy that took this user's socket, if it says
        self.http = None  # openai mode: the keep-alive connection, and its socket
        self.http_sock = None

    def on_stop(self):
        self._close()
        self._http_drop()

    @task
    def ask(self):
        if self.settings.mode == "native":
            self._native_question()
        elif self.settings.mode == "book":
            self._book_question()
        else:
            self._openai_question()

    # -- reporting ----------------------------------------------------------------------------

    def _report(self, name, response_time, length=0, exception=None):
        self.environment.events.request.fire(request_type=REQUEST_TYPE, name=name, response_time=response_time,
                                             response_length=length, exception=exception, context={},
                                             url=self.settings.url)

    def _report_answer(self, a, failure, done):
        ms = lambda t: (t - a.sent) * 1000.0
        if failure is None and a.log_id is None:
            # The protocols name every answer (docs/protocol.md), and an answer that cannot be
            # found in the chat log would make the --ragd-ends audit fail with no clue why.
            failure = ProtocolViolation(ANSWER_IDS[self.settings.mode])
        if a.first is not None:
            self._report(FIRST_TOKEN, ms(a.first), a.first_chars)
        if failure is not None:
            self._report(FULL_ANSWER, ms(done), a.chars, exception=failure)
            return
        # First the file, then the success, with nothing in between that could let another user
        # run or this one be stopped: the file's lines are exactly the successes Locust counts.
        sent_epoch = time.time() - (time.perf_counter() - a.sent)
        ENDS.answer(self.environment, a.log_id, sent_epoch, ms(a.first) if a.first is not None else None,
                    self.upstream)
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
        self.upstream = _upstream_of(ws)
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
            elif kind == "start":
                a.named(frame.get("log_id"), "the start frame")
            elif kind == "end":
                a.server_tokens = (frame.get("timings") or {}).get("completion_tokens")
                log_id = frame.get("log_id")
                if not isinstance(log_id, str) or not log_id:
                    a.log_id = None  # the end frame itself must name the answer (docs/protocol.md)
                a.named(log_id, "the end frame")
                return None
            elif kind == "answer":  # RAGD_TEST_MODE: the whole answer in one frame
                a.token(frame.get("answer", ""), now)
                a.named(frame.get("log_id"), "the answer frame")
                return None
            elif kind == "error":
                retry = " (retryable)" if frame.get("retryable") else ""
                return ErrorFrame(f"{frame.get('code')}{retry} {a.stage()}: {frame.get('message')}")
            # sources: nothing to measure

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
        except ProtocolViolation as e:  # frames naming two different answers
            failure = e
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
            a.named(content.get("uuid"), f"a {frame.get('type')} frame")  # the log_id of the book protocol
            if frame.get("type") == "stream":
                a.token(content.get("content", ""), now)
            elif frame.get("type") == "print":
                text = str(content.get("sep", " ")).join(str(o) for o in content.get("objects", []))
                if text == "ANSWER:" and not answering and a.first is None:
                    answering = True
                else:
                    prints.append(text)

    # -- openai mode: POST <base URL>/chat/completions, streamed -------------------------------
    #
    # The same user (question file, think time, Answer timeline, rows and their formulas) talking
    # to the model server directly, so that a run against ragd and one against its model differ
    # in the server only. One keep-alive connection per user, as an SDK keeps one: "connect" is
    # its TCP connect (and TLS handshake), once per connection like the native WebSocket's
    # handshake. Not the time to the response's status line: a streaming model server may send
    # its headers only with the first chunk (the mock does), and that would be the time to first
    # token again.

    def _openai_question(self):
        if self.http is not None and not self._http_still_open():
            self._http_drop()
        if self.http is None:
            self.http = self._http_connect()
            if self.http is None:
                return
        s = self.settings
        question = random.choice(self.questions)
        body = json.dumps({"model": s.model, "stream": True, "messages": [{"role": "user", "content": question}],
                           "stream_options": {"include_usage": True}}).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream",
                   "Authorization": f"Bearer {s.api_key}"}
        a = Answer()
        response = None
        try:
            self._http_deadline(a.sent + s.timeout)
            self.http.request("POST", s.http_path, body=body, headers=headers)
            response = self.http.getresponse()
            failure = self._read_openai(response, a)
        except GreenletExit:
            TALLY["abandoned"] += 1
            self._http_drop()
            raise
        except socket.timeout:  # before OSError: it is one
            failure = Timeout(f"no data: [DONE] within {s.timeout:g} s ({a.stage()})")
        except (http.client.HTTPException, OSError) as e:  # reset, closed, a cut chunked body
            failure = EarlyClose(f"connection lost {a.stage()} ({_describe(e)})")
        except ProtocolViolation as e:
            failure = e
        except Exception as e:  # an unreadable chunk
            failure = ProtocolViolation(f"{a.stage()}: {type(e).__name__}: {e}")
        self._report_answer(a, failure, time.perf_counter())
        if failure is None or isinstance(failure, HttpStatus):
            self._http_settle(response, a.sent + s.timeout)  # after the report: its times are taken
        else:
            self._http_drop()  # a half-read or broken stream: the next question gets a new connection

    def _read_openai(self, response, a):
        """Reads the event stream up to data: [DONE]; returns None when answered, else the failure."""
        deadline = a.sent + self.settings.timeout
        if response.status != 200:
            return self._status_failure(response, deadline)
        kind = response.getheader("Content-Type", "")
        if not kind.lower().startswith("text/event-stream"):
            raise ProtocolViolation(f"status 200 with Content-Type {kind or 'none'}, not text/event-stream")
        data = []  # the data lines of the event being read (SSE: an event ends at a blank line)
        while True:
            self._http_deadline(deadline)
            line = response.readline(1 << 20)
            now = time.perf_counter()
            if not line.endswith(b"\n"):
                if len(line) >= 1 << 20:
                    raise ProtocolViolation(f"an event-stream line over 1 MiB {a.stage()}")
                return EarlyClose(f"the stream ended without data: [DONE] {a.stage()}")
            line = line.rstrip(b"\r\n")
            if line:
                if line.startswith(b"data:"):
                    value = line[5:]
                    data.append(value[1:] if value.startswith(b" ") else value)
                continue  # other fields (event:, id:, retry:) and comments (":"): nothing to measure
            if not data:
                continue
            payload, data = b"\n".join(data), []
            if payload == b"[DONE]":
                return None
            chunk = json.loads(payload.decode("utf-8"))
            if not isinstance(chunk, dict):
                raise ProtocolViolation(f"a chunk that is not a JSON object {a.stage()}")
            if "error" in chunk:  # what OpenAI sends when a stream fails after it started
                error = chunk.get("error") or {}
                error = error if isinstance(error, dict) else {"message": error}
                what = error.get("type") or error.get("code") or "error"
                return ErrorFrame(f"{what} {a.stage()}: {error.get('message')}")
            a.named(chunk.get("id"), "a chunk")
            choices = chunk.get("choices") or []
            delta = (choices[0].get("delta") or {}) if choices and isinstance(choices[0], dict) else {}
            text = delta.get("content")
            if isinstance(text, str) and text:  # the role chunk's "" is no token
                a.token(text, now)
            usage = chunk.get("usage")
            if isinstance(usage, dict) and isinstance(usage.get("completion_tokens"), int):
                a.server_tokens = usage["completion_tokens"]

    def _status_failure(self, response, deadline):
        """The failure of a response other than 200, named by its status and the error's code."""
        self._http_deadline(deadline)
        body = response.read(65536)  # OpenAI's errors are small JSON objects; the rest of a huge one is not read
        code = None
        try:
            error = json.loads(body.decode("utf-8")).get("error") or {}
            code = error.get("code") or error.get("type")
        except (ValueError, AttributeError):
            pass
        text = f"{response.status} {response.reason}".strip()
        if code:
            text += f" ({code})"
        retry = response.getheader("Retry-After")
        if response.status == 429 or retry is not None:
            text += f", Retry-After {retry}" if retry is not None else ", no Retry-After"
        return HttpStatus(text)

    def _http_connect(self):
        s = self.settings
        kind = http.client.HTTPSConnection if s.scheme == "https" else http.client.HTTPConnection
        conn = kind(s.http_host, s.http_port, timeout=s.timeout)
        start = time.perf_counter()
        try:
            conn.connect()
        except Exception as e:  # refused, reset, timed out, TLS failed: a failed connect
            conn.close()
            self._report(CONNECT, (time.perf_counter() - start) * 1000.0, exception=ConnectFailed(_describe(e)))
            return None
        self._report(CONNECT, (time.perf_counter() - start) * 1000.0)
        # http.client reconnects by itself when it finds no socket; such a connect would be in no
        # row. Without auto_open it raises instead, and the user reconnects through here.
        conn.auto_open = 0
        self.http_sock = conn.sock
        return conn

    def _http_deadline(self, deadline):
        """Sets the socket's timeout to the time left: like the WebSocket modes, a deadline per question."""
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise socket.timeout("deadline")
        self.http_sock.settimeout(remaining)

    def _http_settle(self, response, deadline):
        """Reads the rest of a response (after data: [DONE], the chunked body's end), so that the
        connection can carry the next question; a connection the server closes is given up."""
        try:
            if response is not None and not response.isclosed():
                self._http_deadline(deadline)
                response.read()
        except GreenletExit:
            self._http_drop()
            raise
        except Exception:  # the answer is reported already; only the connection is lost
            self._http_drop()
            return
        if self.http is not None and (self.http.sock is None or response is None or not response.isclosed()):
            self._http_drop()  # "Connection: close" (http.client closed it), or a body still unread

    def _http_still_open(self):
        """Whether the kept connection is still open: a server may close an idle keep-alive one."""
        try:
            readable = bool(select.select([self.http_sock], [], [], 0)[0])
            readable = readable or bool(getattr(self.http_sock, "pending", lambda: 0)())
        except (OSError, ValueError):
            readable = True
        if readable:  # end of file, or bytes no request asked for: either way not reusable
            # Closing an idle keep-alive connection is the server's right (RFC 9112, 9.3), not a
            # failure; it is tallied, and the new connection is in "connect".
            TALLY["idle_closed"] += 1
            return False
        return True

    def _http_drop(self):
        if self.http is not None:
            try:
                self.http.close()
            except Exception:
                pass
        if self.http_sock is not None:
            try:
                self.http_sock.close()
            except Exception:
                pass
        self.http = None
        self.http_sock = None
