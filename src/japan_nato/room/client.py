"""The learner's side of the room: send each checked answer to the room service, never blocking.

Every answer goes first into a local outbox (a small SQLite file next to the progress file);
a background thread sends what is pending and retries later when the service cannot be
reached, so an answer is never lost and the quiz never waits. Outside a hub (no
JAPAN_NATO_ROOM_URL, or no token) everything here is a no-op.

Configuration, from the environment the hub gives the single-user server:
- JAPAN_NATO_ROOM_URL: the service's base URL, e.g. http://room.example:10101/services/room/
- JUPYTERHUB_API_TOKEN: the server's hub token (JAPAN_NATO_ROOM_TOKEN overrides it)
- JAPAN_NATO_ROOM_OUTBOX: where the outbox lives (default: beside the progress file)
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

ENV_URL = "JAPAN_NATO_ROOM_URL"
ENV_TOKEN = "JAPAN_NATO_ROOM_TOKEN"
ENV_OUTBOX = "JAPAN_NATO_ROOM_OUTBOX"
SEND_TIMEOUT_S = 3.0
ROUNDS_TIMEOUT_S = 1.0
ROUNDS_TTL_S = 3.0
RETRY_MIN_S, RETRY_MAX_S = 1.0, 30.0
BATCH = 200

OUTBOX_SCHEMA = """CREATE TABLE IF NOT EXISTS outbox (
    uid TEXT PRIMARY KEY,
    bank TEXT NOT NULL,
    question_id TEXT NOT NULL,
    payload TEXT NOT NULL,     -- the JSON sent to the service
    created_at TEXT NOT NULL,
    sent_at TEXT,              -- NULL while pending
    error TEXT                 -- why the service refused it (then it is not resent)
)"""


@dataclass(frozen=True)
class Round:
    """A peer-instruction round open on a question, as the card needs it."""

    id: int
    bank: str
    question_id: str
    vote: int  # 1: first vote, 2: the re-vote after discussion

    @property
    def feedback(self) -> bool:
        """Whether the card may show right/wrong: never while the room is voting."""
        return False

    @property
    def label(self) -> str:
        """What the card shows: "Vote 1" or "Vote 2"."""
        return f"Vote {self.vote}"

    @property
    def note(self) -> str:
        """What the card says instead of right/wrong while the round is open."""
        if self.vote == 1:
            return (
                "Vote 1: answer on your own, without discussing. Your vote is recorded; "
                "you will see if it was right after the round."
            )
        return (
            "Vote 2: answer again after the discussion. Your vote is recorded; "
            "you will see if it was right after the round."
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def default_outbox() -> Path:
    """Return $JAPAN_NATO_ROOM_OUTBOX, else room-outbox.sqlite beside the progress file."""
    env = os.environ.get(ENV_OUTBOX, "").strip()
    if env:
        return Path(env).expanduser()
    progress = os.environ.get("JAPAN_NATO_PROGRESS", "").strip()
    if progress:
        return Path(progress).expanduser().parent / "room-outbox.sqlite"
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "japan_nato" / "room-outbox.sqlite"


class RoomClient:
    """Sends answers to one room service through a local outbox."""

    def __init__(
        self, url: str, token: str, outbox: str | Path | None = None, *, start_thread: bool = True
    ) -> None:
        """url is the service's base URL; token a hub token for the learner."""
        self.url = url.rstrip("/") + "/"
        self.token = token
        self.outbox_path = Path(outbox) if outbox is not None else default_outbox()
        self.last_error: str | None = None
        self.last_sent_at: float | None = None
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._wake = threading.Event()
        self._stop = False
        self._retry = RETRY_MIN_S
        self._rounds: dict[str, Round] = {}
        self._rounds_at = -1e9
        self._rounds_refreshing = threading.Lock()
        self._thread: threading.Thread | None = None
        if start_thread:
            self._thread = threading.Thread(target=self._run, name="room-outbox", daemon=True)
            self._thread.start()
            if self.pending():
                self._wake.set()

    # -- outbox ------------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        import sqlite3

        if self._conn is None:
            self.outbox_path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.outbox_path, timeout=10, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(OUTBOX_SCHEMA)
            self._conn = conn
        return self._conn

    def submit(
        self,
        bank: str,
        question_id: str,
        *,
        answer: str,
        options: list[str],
        correct: bool,
        objective: str = "",
        chosen_wrong: list[str] | None = None,
    ) -> str:
        """Put one answer in the outbox and wake the sender; return its uid (never blocks)."""
        uid = uuid.uuid4().hex
        current = self.cached_round(question_id, bank)
        with self._lock:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                attempt = (
                    1
                    + db.execute(
                        "SELECT COUNT(*) FROM outbox WHERE bank = ? AND question_id = ?",
                        (bank, question_id),
                    ).fetchone()[0]
                )
                payload = {
                    "uid": uid,
                    "bank": bank,
                    "question_id": question_id,
                    "objective": objective,
                    "answer": answer,
                    "options": options,
                    "chosen_wrong": list(chosen_wrong or []),
                    "correct": bool(correct),
                    "attempt": attempt,
                    "answered_at": _now(),
                    "round_id": current.id if current else None,
                    "vote": current.vote if current else None,
                }
                db.execute(
                    "INSERT INTO outbox (uid, bank, question_id, payload, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (uid, bank, question_id, json.dumps(payload, ensure_ascii=False), _now()),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        self._wake.set()
        return uid

    def pending(self) -> int:
        """Return how many answers wait to be sent."""
        with self._lock:
            return int(
                self._db()
                .execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND error IS NULL")
                .fetchone()[0]
            )

    def flush(self) -> int:
        """Send what is pending now (blocking, bounded by the timeout); return how many went."""
        sent = 0
        while True:
            with self._lock:
                rows = (
                    self._db()
                    .execute(
                        "SELECT uid, payload FROM outbox WHERE sent_at IS NULL AND error IS NULL"
                        " ORDER BY rowid LIMIT ?",
                        (BATCH,),
                    )
                    .fetchall()
                )
            if not rows:
                return sent
            body = {"answers": [json.loads(payload) for _, payload in rows]}
            try:
                reply = self._request("POST", "api/answers", body, SEND_TIMEOUT_S)
            except urllib.error.HTTPError as exc:
                if exc.code == 400 and len(rows) == 1:
                    # The service will never take this one; keep it locally, stop resending.
                    self._mark([rows[0][0]], error=_http_message(exc))
                    continue
                if exc.code == 400:
                    self._send_one_by_one(rows)
                    continue
                self.last_error = _http_message(exc)
                raise
            stored = set(reply.get("stored", []))
            self._mark([uid for uid, _ in rows if uid in stored])
            sent += len(stored)
            self.last_sent_at = time.time()
            self.last_error = None
            if len(stored) < len(rows):
                return sent

    def _send_one_by_one(self, rows: list[tuple[str, str]]) -> None:
        for uid, payload in rows:
            try:
                self._request(
                    "POST", "api/answers", {"answers": [json.loads(payload)]}, SEND_TIMEOUT_S
                )
            except urllib.error.HTTPError as exc:
                if exc.code != 400:
                    raise
                self._mark([uid], error=_http_message(exc))
            else:
                self._mark([uid])

    def _mark(self, uids: list[str], error: str | None = None) -> None:
        if not uids:
            return
        with self._lock:
            db = self._db()
            column = "error" if error is not None else "sent_at"
            value = error if error is not None else _now()
            db.executemany(
                f"UPDATE outbox SET {column} = ? WHERE uid = ?", [(value, uid) for uid in uids]
            )

    def _run(self) -> None:
        while not self._stop:
            self._wake.wait(timeout=self._retry if self._has_pending_quiet() else None)
            self._wake.clear()
            if self._stop:
                return
            try:
                self.flush()
                self._retry = RETRY_MIN_S
            except (OSError, ValueError, urllib.error.URLError) as exc:
                self.last_error = self.last_error or str(exc)
                self._retry = min(self._retry * 2, RETRY_MAX_S)

    def _has_pending_quiet(self) -> bool:
        try:
            return self.pending() > 0
        except Exception:  # a broken outbox must not kill the sender thread
            return False

    def wait_sent(self, timeout: float) -> bool:
        """Wait up to timeout seconds until nothing is pending; return whether that happened."""
        deadline = time.monotonic() + timeout
        while self.pending():
            if time.monotonic() > deadline:
                return False
            self._wake.set()
            time.sleep(0.05)
        return True

    def close(self, flush_timeout: float = 1.0) -> None:
        """Stop the sender (waiting at most flush_timeout s) and close the outbox.

        Answers not sent yet stay in the outbox; the next client sends them.
        """
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=flush_timeout)
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- rounds ------------------------------------------------------------------------

    def cached_round(self, question_id: str, bank: str | None = None) -> Round | None:
        """Return the open round on a question from the cache (no network)."""
        found = self._rounds.get(question_id)
        if found is not None and (bank is None or found.bank == bank):
            return found
        return None

    def refresh_rounds(self) -> bool:
        """Ask the service which rounds are open (short timeout); return whether it answered."""
        if not self._rounds_refreshing.acquire(blocking=False):
            return False
        try:
            reply = self._request("GET", "api/rounds", None, ROUNDS_TIMEOUT_S)
            rounds = {}
            for item in reply.get("rounds", []):
                if item.get("vote") in (1, 2):
                    rounds[item["question_id"]] = Round(
                        int(item["id"]),
                        str(item["bank"]),
                        str(item["question_id"]),
                        int(item["vote"]),
                    )
            self._rounds = rounds
            self._rounds_at = time.monotonic()
            return True
        except (OSError, ValueError, KeyError, TypeError, urllib.error.URLError):
            return False
        finally:
            self._rounds_refreshing.release()

    def open_round(
        self, question_id: str, bank: str | None = None, wait: float = 0.3
    ) -> Round | None:
        """Return the round open on a question, refreshing a stale cache for at most wait s."""
        if time.monotonic() - self._rounds_at > ROUNDS_TTL_S:
            worker = threading.Thread(target=self.refresh_rounds, daemon=True)
            worker.start()
            worker.join(timeout=wait)
        return self.cached_round(question_id, bank)

    # -- other calls ---------------------------------------------------------------------

    def set_display_name(self, name: str) -> str:
        """Tell the service the name to show the instructor; return it as stored."""
        reply = self._request("POST", "api/me", {"display_name": name}, SEND_TIMEOUT_S)
        return str(reply.get("display_name", ""))

    def my_answers(self) -> list[dict[str, Any]]:
        """Return this learner's answers as the service has them."""
        return list(self._request("GET", "api/me", None, SEND_TIMEOUT_S).get("answers", []))

    def _request(self, method: str, path: str, body: Any, timeout: float) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")


def _http_message(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read()).get("error", exc.reason))
    except (ValueError, AttributeError, OSError):
        return f"HTTP {exc.code}"


_CLIENT: RoomClient | None = None
_CLIENT_KEY: tuple[str, str] | None = None
_CLIENT_LOCK = threading.Lock()


def configured() -> tuple[str, str] | None:
    """Return (service URL, token) from the environment, or None outside a hub room."""
    url = os.environ.get(ENV_URL, "").strip()
    token = (os.environ.get(ENV_TOKEN) or os.environ.get("JUPYTERHUB_API_TOKEN") or "").strip()
    if not url or not token:
        return None
    return url, token


def get_client() -> RoomClient | None:
    """Return this process's client, or None when no room is configured."""
    global _CLIENT, _CLIENT_KEY
    key = configured()
    if key is None:
        return None
    with _CLIENT_LOCK:
        if _CLIENT is None or _CLIENT_KEY != key:
            if _CLIENT is not None:
                _CLIENT.close(flush_timeout=0)
            _CLIENT = RoomClient(*key)
            _CLIENT_KEY = key
            atexit.register(_CLIENT.close)
        return _CLIENT


def open_round(question_id: str, bank: str | None = None) -> Round | None:
    """Return the peer-instruction round open on a question, or None (also outside a hub)."""
    client = get_client()
    if client is None:
        return None
    try:
        return client.open_round(question_id, bank)
    except Exception:  # the card must render whatever happens to the service
        return None


def set_display_name(name: str) -> str | None:
    """Tell the room the name to show the instructor; None outside a hub or when unreachable."""
    client = get_client()
    if client is None:
        return None
    try:
        return client.set_display_name(name)
    except (OSError, ValueError, urllib.error.URLError):
        return None


def chosen_options(question: Any, answer: Any) -> list[str]:
    """Return the options a valid answer chose: letters, "true"/"false", or the answer text."""
    return list(question.chosen_labels(question.parse(answer)))


def hand_over(bank: str, question: Any, answer: Any, result: Any) -> None:
    """Give one recorded answer to the room (the quiz calls this); a no-op outside a hub."""
    if configured() is None:
        return
    try:
        client = get_client()
        if client is None:
            return
        client.submit(
            bank,
            question.id,
            answer=question.answer_text(answer),
            options=chosen_options(question, answer),
            correct=bool(result.correct),
            objective=question.objective,
            chosen_wrong=list(result.chosen_wrong),
        )
    except Exception as exc:  # the room is extra: the quiz and the local store carry on
        import warnings

        warnings.warn(f"The room service did not get this answer: {exc}", stacklevel=2)


def status() -> str:
    """Say in one line whether answers reach the room."""
    client = get_client()
    if client is None:
        return "Not in a room: answers are kept in your own progress file only."
    waiting = client.pending()
    if client.last_error:
        return f"The room service cannot be reached ({client.last_error}); {waiting} answers wait."
    if waiting:
        return f"{waiting} answers are on their way to the room."
    return "All your answers have reached the room."
