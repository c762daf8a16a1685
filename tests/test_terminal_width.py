"""The terminal quiz in a real 80-column terminal (a pty): lines fit, no word is broken."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from japan_nato.quiz import bank_names, load_bank
from tests.support.course_data import COURSE_DATA

SRC = Path(__file__).resolve().parents[1] / "src"
WIDTH = 80
# Every word the course itself prints, so a broken word (a fragment on a line) shows up.
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _run_in_pty(args: list[str], answers: list[str], env: dict[str, str]) -> str:
    """Run a command in a pty of WIDTH columns, typing each answer after each '> ' prompt."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, WIDTH, 0, 0))
    process = subprocess.Popen(
        args, stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True
    )
    os.close(follower)
    output = b""
    pending = list(answers)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break  # the child closed the terminal
                if not chunk:
                    break
                output += chunk
                if output.endswith(b"> ") and pending:
                    os.write(leader, (pending.pop(0) + "\n").encode())
                elif output.endswith(b"> ") and not pending:
                    os.write(leader, b"\x04")  # end of input ends the quiz
            elif process.poll() is not None:
                break
    finally:
        process.wait(timeout=30)
        os.close(leader)
    return ANSI.sub("", output.decode("utf-8", "replace")).replace("\r\n", "\n")


@pytest.mark.parametrize("bank", [b for b in bank_names(COURSE_DATA) if b != "06_review"])
def test_terminal_quiz_at_80_columns(bank: str, tmp_path: Path) -> None:
    questions = load_bank(bank, COURSE_DATA).questions
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(SRC),
        JAPAN_NATO_PROGRESS=str(tmp_path / "p.sqlite"),
        JAPAN_NATO_LEARNER="Test Learner",
        COLUMNS=str(WIDTH),
        PYTHONIOENCODING="utf-8",
    )
    env.pop("LINES", None)
    # For each question: the hint, the evidence, a malformed answer, then a wrong one.
    answers: list[str] = []
    for question in questions:
        wrong = question.example_answers()[1]
        typed = ", ".join(wrong) if isinstance(wrong, list | tuple) else str(wrong)
        if isinstance(wrong, dict):
            typed = ""  # skip: matching answers are typed as numbers=letters
        answers += ["?", "!", "zzz-not-an-answer", typed]
    out = _run_in_pty([sys.executable, "-m", "japan_nato", "quiz", bank], answers, env)
    assert "Score:" in out, out[-2000:]
    # Lines starting "> " echo what the learner typed (the terminal wraps those itself).
    lines = [line for line in out.splitlines() if not line.startswith("> ")]
    too_long = [line for line in lines if len(line) > WIDTH and len(line.split()) > 1]
    assert too_long == [], "\n".join(too_long)  # a single long URL may stand alone
    texts = []
    for q in questions:
        texts += [q.prompt, q.explanation, q.hint or "", *q.display_lines()]
        texts += [f"{wrong} {said}" for wrong, said in q.wrong_answer_feedback()]
    words = set(" ".join(texts).split())
    # A word broken across two lines: the two ends make a course word, the first end does not.
    for upper, lower in zip(lines, lines[1:], strict=False):
        if upper.split() and lower.split():
            end_piece, start_piece = upper.split()[-1], lower.split()[0]
            joined = end_piece + start_piece
            assert not (joined in words and end_piece not in words), (upper, lower)
    assert out.count("Type ? for a hint") == 1  # the key help is said once, not per question


def test_a_generic_account_is_asked_for_a_name_once(tmp_path: Path) -> None:
    from japan_nato.progress import ProgressStore

    env = dict(os.environ)
    progress = tmp_path / "p.sqlite"
    env.update(
        PYTHONPATH=str(SRC),
        JAPAN_NATO_PROGRESS=str(progress),
        JAPAN_NATO_LEARNER="jovyan",
        PYTHONIOENCODING="utf-8",
    )
    command = [sys.executable, "-m", "japan_nato", "quiz", "00_start_here"]
    out = _run_in_pty(command, ["root", "Aiko T.", ""], env)
    assert "'jovyan'" in out and "shared by many learners" in out
    assert "choose your own" in out  # "root" is refused, and asked again
    assert "Kept: Aiko T." in out
    with ProgressStore(progress) as store:
        assert store.learner_name() == "Aiko T."
    again = _run_in_pty(command, [""], env)
    assert "shared by many learners" not in again  # asked once, never again
