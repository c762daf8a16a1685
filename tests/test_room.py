"""The room service, its store, the dashboard numbers and the learner's client (no hub)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from japan_nato import quiz
from japan_nato.room import client as room_client
from japan_nato.room.auth import Identity, StaticAuthority
from japan_nato.room.stats import course_outline, projector_view, pseudonym, room_summary
from japan_nato.room.store import RoomError, RoomStore
from tests.support.course_data import COURSE_DATA
from tests.support.processes import free_port

PAYLOAD = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
TOKENS = {
    "tok-aiko": Identity("aiko", False),
    "tok-ben": Identity("ben", False),
    "tok-chidi": Identity("chidi", False),
    "tok-teach": Identity("teacher", True),
}


def answer(
    qid: str = "src-who-met", options: tuple[str, ...] = ("B",), correct: bool = True, **extra: Any
) -> dict[str, Any]:
    """One answer as the client sends it."""
    return {
        "uid": extra.pop("uid", f"{qid}-{'-'.join(options)}-{time.monotonic_ns()}"),
        "bank": extra.pop("bank", "01_reading_the_source"),
        "question_id": qid,
        "answer": extra.pop("answer", options[0] if options else ""),
        "options": list(options),
        "correct": correct,
        **extra,
    }


# --- store ----------------------------------------------------------------------------------


def test_store_keeps_each_answer_once_with_its_attempt_number(tmp_path: Path) -> None:
    store = RoomStore(tmp_path / "room.sqlite")
    first = answer(options=("A",), correct=False, uid="u1")
    store.add_answers("aiko", [first])
    store.add_answers("aiko", [first, answer(uid="u2")])  # u1 again: a resend
    rows = store.answers("aiko")
    assert [(r["uid"], r["attempt"], r["correct"]) for r in rows] == [
        ("u1", 1, False),
        ("u2", 2, True),
    ]
    assert rows[0]["options"] == ["A"] and rows[0]["learner"] == "aiko"
    mode = store._conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_store_refuses_bad_answers_with_a_reason(tmp_path: Path) -> None:
    store = RoomStore(tmp_path / "room.sqlite")
    with pytest.raises(RoomError, match="question_id"):
        store.add_answers("aiko", [{"uid": "x", "bank": "b", "options": []}])
    with pytest.raises(RoomError, match="round 99"):
        store.add_answers("aiko", [answer(round_id=99, vote=1)])
    assert store.count() == 0


def test_rounds_go_from_vote_one_to_vote_two_to_closed(tmp_path: Path) -> None:
    store = RoomStore(tmp_path / "room.sqlite")
    rnd = store.open_round("01_reading_the_source", "src-who-met")
    assert (rnd.phase, rnd.vote) == ("vote1", 1)
    assert store.advance_round(rnd.id, "revote").vote == 2
    assert store.advance_round(rnd.id, "close").phase == "closed"
    assert store.open_rounds() == []
    with pytest.raises(RoomError, match="phase closed"):
        store.advance_round(rnd.id, "revote")


# --- dashboard numbers -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def outline() -> Any:
    return course_outline(COURSE_DATA)


def row(learner: str, qid: str, options: list[str], correct: bool, **extra: Any) -> dict:
    return {
        "learner": learner,
        "bank": extra.pop("bank", "01_reading_the_source"),
        "question_id": qid,
        "options": options,
        "answer": extra.pop("answer", ""),
        "correct": correct,
        "round_id": extra.pop("round_id", None),
        "vote": extra.pop("vote", None),
        **extra,
    }


def test_summary_separates_first_and_current_answers_and_names_misconceptions(outline) -> None:
    rows = [
        row("aiko", "src-who-met", ["C"], False),
        row("aiko", "src-who-met", ["B"], True),
        row("ben", "src-who-met", ["C"], False),
        row("chidi", "src-who-met", ["B"], True),
    ]
    summary = room_summary(rows, outline, learners=["aiko", "ben", "chidi", "dan"])
    q = next(q for q in summary["questions"] if q["question_id"] == "src-who-met")
    assert q["label"] == "01 Q1"
    assert q["first"] == {"C": 2, "B": 1} and q["current"] == {"B": 2, "C": 1}
    assert (q["first_correct_pct"], q["current_correct_pct"]) == (33.3, 66.7)
    assert q["top_wrong"][0]["key"] == "C" and q["top_wrong"][0]["count"] == 2
    assert "Foreign Ministry" in q["top_wrong"][0]["misconception"]
    assert summary["not_started"] == [pseudonym("dan")]
    assert "aiko" not in json.dumps(summary)  # pseudonyms unless revealed
    labels = [q["label"] for q in summary["questions"]]
    assert labels[:2] == ["00 Q1", "00 Q2"]  # course order, by number
    revealed = room_summary(rows, outline, learners=["dan"], names={"aiko": "Aiko T."}, reveal=True)
    assert {entry["name"] for entry in revealed["learners"]} == {"Aiko T. (aiko)", "ben", "chidi"}
    assert projector_view(revealed)["learners"] == []
    assert projector_view(summary)["not_started"] == []


def test_summary_shows_round_one_against_round_two(outline) -> None:
    rounds = [
        {"id": 7, "bank": "01_reading_the_source", "question_id": "src-who-met", "phase": "vote2"}
    ]
    rows = [
        row("aiko", "src-who-met", ["C"], False, round_id=7, vote=1),
        row("ben", "src-who-met", ["C"], False, round_id=7, vote=1),
        row("aiko", "src-who-met", ["B"], True, round_id=7, vote=2),
        row("ben", "src-who-met", ["B"], True, round_id=7, vote=2),
    ]
    summary = room_summary(rows, outline, rounds=rounds)
    votes = summary["rounds"][0]["votes"]
    assert votes["1"]["distribution"] == {"C": 2} and votes["1"]["correct_pct"] == 0.0
    assert votes["2"]["distribution"] == {"B": 2} and votes["2"]["correct_pct"] == 100.0
    q = next(q for q in summary["questions"] if q["question_id"] == "src-who-met")
    assert q["first"] == {}  # votes are not first tries


def test_mastery_per_objective_counts_latest_answers(outline) -> None:
    rows = [
        row("aiko", "src-who-met", ["B"], True),
        row("aiko", "src-occasion", ["false"], False),
        row("ben", "src-who-met", ["B"], True),
    ]
    mastery = {m["objective"]: m for m in room_summary(rows, outline)["mastery"]}
    assert mastery["who-where"]["mastery_pct"] == 75.0  # aiko 1 of 2, ben 1 of 1
    assert mastery["who-where"]["learners"] == 2


# --- the service over loopback ------------------------------------------------------------


class Running:
    """A room service on a background thread (StaticAuthority: tokens fixed by the test)."""

    def __init__(self, db: Path, port: int | None = None) -> None:
        from tornado.ioloop import IOLoop

        from japan_nato.room.service import make_app

        self.port = port or free_port()
        self.store = RoomStore(db)
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(asyncio.new_event_loop())
            self.loop = IOLoop.current()
            app = make_app(
                self.store,
                StaticAuthority(TOKENS),
                outline=course_outline(COURSE_DATA),
                prefix="/services/room/",
                salt="",
            )
            self.server = app.listen(self.port, address="127.0.0.1")
            ready.set()
            self.loop.start()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert ready.wait(30)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/services/room/"

    def stop(self) -> None:
        def halt() -> None:
            self.server.stop()
            self.loop.stop()

        self.loop.add_callback(halt)
        self.thread.join(10)
        self.store.close()


def call(url: str, token: str | None, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"token {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        raw = exc.read() or b"null"
        return exc.code, json.loads(raw) if raw.startswith((b"{", b"[", b"n")) else raw.decode()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Running]:
    running = Running(tmp_path / "room.sqlite")
    yield running
    running.stop()


def test_a_learner_submits_only_as_themselves(service: Running) -> None:
    status, reply = call(
        service.url + "api/answers",
        "tok-aiko",
        "POST",
        {"answers": [answer(learner="ben", uid="a1")]},
    )
    assert status == 200 and reply["stored"] == ["a1"]
    assert [r["learner"] for r in service.store.answers()] == ["aiko"]


def test_learner_tokens_are_refused_on_instructor_views_and_others_data(service: Running) -> None:
    call(service.url + "api/answers", "tok-ben", "POST", {"answers": [answer(uid="b1")]})
    assert call(service.url + "api/answers?learner=ben", "tok-aiko")[0] == 403
    assert call(service.url + "api/dashboard", "tok-aiko")[0] == 403
    assert call(service.url + "api/dashboard?view=projector", "tok-aiko")[0] == 403
    assert call(service.url, "tok-aiko")[0] == 403
    status, _ = call(
        service.url + "api/rounds",
        "tok-aiko",
        "POST",
        {"bank": "01_reading_the_source", "question_id": "src-who-met"},
    )
    assert status == 403
    assert call(service.url + "api/answers", None, "POST", {"answers": []})[0] == 403
    assert call(service.url + "api/answers", "forged", "POST", {"answers": []})[0] == 403
    status, mine = call(service.url + "api/answers", "tok-aiko")
    assert status == 200 and mine["answers"] == []
    status, theirs = call(service.url + "api/answers?learner=ben", "tok-teach")
    assert status == 200 and [r["uid"] for r in theirs["answers"]] == ["b1"]


def test_the_dashboard_shows_answers_and_a_round(service: Running) -> None:
    call(service.url + "api/me", "tok-aiko", "POST", {"display_name": PAYLOAD})
    call(
        service.url + "api/answers",
        "tok-aiko",
        "POST",
        {"answers": [answer(uid="x", options=("B",), correct=False)]},
    )
    status, opened = call(
        service.url + "api/rounds",
        "tok-teach",
        "POST",
        {"bank": "01_reading_the_source", "question_id": "src-who-met"},
    )
    assert status == 201 and opened["vote"] == 1
    assert call(service.url + "api/rounds", "tok-ben")[1]["rounds"][0]["id"] == opened["id"]
    status, data = call(service.url + "api/dashboard?names=real", "tok-teach")
    assert status == 200 and data["learners_active"] == 1
    assert data["learners"][0]["name"] == f"{PAYLOAD} (aiko)"  # JSON, escaped by the page
    assert set(data["not_started"]) == {"ben", "chidi"}
    _, public = call(service.url + "api/dashboard?view=projector&names=real", "tok-teach")
    assert "aiko" not in json.dumps(public) and public["not_started"] == []


def test_the_page_escapes_what_it_renders(service: Running) -> None:
    request = urllib.request.Request(service.url, headers={"Authorization": "token tok-teach"})
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    assert 'data-user="teacher"' in page and "static/dashboard.js" in page


def test_a_learner_on_the_dashboard_page_gets_a_plain_refusal(service: Running) -> None:
    request = urllib.request.Request(service.url, headers={"Authorization": "token tok-aiko"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    assert "only instructors may see the room" in refused.value.read().decode()


def test_a_bad_body_gets_a_clear_message(service: Running) -> None:
    status, reply = call(service.url + "api/answers", "tok-aiko", "POST", {"answers": "nope"})
    assert status == 400 and "answers" in reply["error"]


# --- the client -----------------------------------------------------------------------------


def test_an_unreachable_service_never_blocks_or_loses_an_answer(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/services/room/"
    client = room_client.RoomClient(url, "tok-aiko", tmp_path / "outbox.sqlite")
    started = time.monotonic()
    for _ in range(5):
        client.submit(
            "01_reading_the_source", "src-who-met", answer="B", options=["B"], correct=False
        )
    assert time.monotonic() - started < 1.0
    assert client.pending() == 5
    with pytest.raises(OSError):
        client.flush()
    service = Running(tmp_path / "room.sqlite", port=port)
    try:
        assert client.wait_sent(timeout=40)
        rows = service.store.answers("aiko")
        assert [r["attempt"] for r in rows] == [1, 2, 3, 4, 5]
        assert client.flush() == 0  # nothing resent
    finally:
        client.close()
        service.stop()


def test_open_round_tells_the_card_to_take_a_vote(service: Running, tmp_path: Path) -> None:
    client = room_client.RoomClient(service.url, "tok-aiko", tmp_path / "o.sqlite")
    try:
        assert client.open_round("src-who-met", wait=5) is None
        _, opened = call(
            service.url + "api/rounds",
            "tok-teach",
            "POST",
            {"bank": "01_reading_the_source", "question_id": "src-who-met"},
        )
        assert client.refresh_rounds()
        found = client.open_round("src-who-met")
        assert found is not None and found.vote == 1 and not found.feedback
        assert found.label == "Vote 1" and "on your own" in found.note
        client.submit(
            "01_reading_the_source", "src-who-met", answer="B", options=["B"], correct=False
        )
        assert client.wait_sent(timeout=20)
        assert service.store.answers("aiko")[0]["round_id"] == opened["id"]
    finally:
        client.close()


def test_outside_a_hub_the_client_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(room_client.ENV_URL, raising=False)
    assert room_client.get_client() is None
    assert room_client.open_round("src-who-met") is None
    assert "Not in a room" in room_client.status()


def test_a_checked_answer_reaches_the_room(
    service: Running, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(room_client.ENV_URL, service.url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "tok-chidi")
    monkeypatch.setenv(room_client.ENV_OUTBOX, str(tmp_path / "outbox.sqlite"))
    from japan_nato.progress import ProgressStore

    q = quiz("01_reading_the_source", store=ProgressStore(tmp_path / "p.sqlite"))
    q.answer("src-who-met", "C")
    q.answer("src-dateline-tells", ["B", "C"])
    client = room_client.get_client()
    assert client is not None
    try:
        assert client.wait_sent(timeout=20)
        rows = service.store.answers("chidi")
        assert [(r["question_id"], r["options"], r["correct"]) for r in rows] == [
            ("src-who-met", ["C"], False),
            ("src-dateline-tells", ["B", "C"], True),
        ]
        assert rows[0]["objective"] == "who-where"
    finally:
        client.close()
        room_client._CLIENT = None


def test_an_answer_given_during_a_round_counts_as_a_vote(tmp_path: Path) -> None:
    store = RoomStore(tmp_path / "room.sqlite")
    store.add_answers("aiko", [answer(uid="before")])
    rnd = store.open_round("01_reading_the_source", "src-who-met")
    store.add_answers("aiko", [answer(uid="v1", options=("B",), correct=False)])
    store.advance_round(rnd.id, "revote")
    store.add_answers("aiko", [answer(uid="v2")])
    store.advance_round(rnd.id, "close")
    store.add_answers("aiko", [answer(uid="after")])
    votes = [(r["uid"], r["round_id"], r["vote"]) for r in store.answers("aiko")]
    assert votes == [
        ("before", None, None),
        ("v1", rnd.id, 1),
        ("v2", rnd.id, 2),
        ("after", None, None),
    ]


def test_the_load_figure_loses_no_answer() -> None:
    from bench import room_load

    result = room_load.run_load(learners=3, deadline_s=60)
    assert result["lost_answers"] == 0
    assert result["answers_stored"] == result["answers_given"] > 3 * 60


def test_the_report_reads_the_rooms_export(service: Running, tmp_path: Path) -> None:
    from japan_nato.instructor.report import build_report, load_exports

    call(
        service.url + "api/answers",
        "tok-aiko",
        "POST",
        {
            "answers": [
                answer(
                    uid="r1",
                    options=("B",),
                    correct=False,
                    chosen_wrong=["Japan's Foreign Minister and NATO's Secretary General"],
                ),
                answer(uid="r2"),
            ]
        },
    )
    call(service.url + "api/answers", "tok-ben", "POST", {"answers": [answer(uid="r3")]})
    assert call(service.url + "api/export.csv", "tok-aiko")[0] == 403
    request = urllib.request.Request(
        service.url + "api/export.csv", headers={"Authorization": "token tok-teach"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        (tmp_path / "room.csv").write_bytes(response.read())
    report = build_report(load_exports([tmp_path / "room.csv"]))
    text = str(report.misconceptions.to_dict("records"))
    assert "Foreign Minister" in text


def test_a_learner_names_themselves_for_the_instructor(
    service: Running, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(room_client.ENV_URL, raising=False)
    assert room_client.set_display_name("Aiko") is None  # no room: nothing happens
    monkeypatch.setenv(room_client.ENV_URL, service.url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "tok-aiko")
    monkeypatch.setenv(room_client.ENV_OUTBOX, str(tmp_path / "outbox.sqlite"))
    try:
        assert room_client.set_display_name("  Aiko   T. ") == "Aiko T."
        assert service.store.display_names() == {"aiko": "Aiko T."}
    finally:
        if room_client._CLIENT is not None:
            room_client._CLIENT.close()
        room_client._CLIENT = None


def test_the_room_shows_the_pre_post_gain_with_attrition(outline) -> None:
    form = {
        bank: [q for q in outline.questions if q.bank == bank] for bank in ("pretest", "posttest")
    }
    assert form["pretest"] and form["posttest"]
    rows = []
    for learner, banks in (("aiko", ("pretest", "posttest")), ("ben", ("pretest",))):
        for bank in banks:
            for q in form[bank]:
                right = bank == "posttest"  # wrong on every pre-test item, right afterwards
                rows.append(
                    row(
                        learner,
                        q.question_id,
                        [],
                        right,
                        bank=bank,
                        objective=q.objective,
                        answered_at=f"2026-12-01T10:{len(rows):02d}:00Z",
                    )
                )
    gain = room_summary(rows, outline)["gain"]
    assert (gain["overall"], gain["matched"], gain["pre_only"]) == (1.0, 1, 1)
    assert [(g["pre_pct"], g["post_pct"]) for g in gain["per_objective"]][0] == (0.0, 100.0)
    assert gain["per_learner"][0]["name"] == pseudonym("aiko")  # pseudonyms, as everywhere
    assert any("Attrition: 1 of 2" in note for note in gain["notes"])
    assert "aiko" not in json.dumps(gain) and "ben" not in json.dumps(gain)


def test_the_service_decides_the_vote_when_a_card_knew_an_old_phase(tmp_path: Path) -> None:
    store = RoomStore(tmp_path / "room.sqlite")
    opened = store.open_round("00_start_here", "start-progress-kept")
    store.advance_round(opened.id, "revote")
    late = {
        "uid": "u1",
        "bank": "00_start_here",
        "question_id": "start-progress-kept",
        "answer": "True",
        "options": ["true"],
        "correct": True,
        "round_id": opened.id,
        "vote": 1,
    }  # the card still thought it was vote 1
    store.add_answers("aiko", [late])
    assert [r["vote"] for r in store.answers("aiko")] == [2]
