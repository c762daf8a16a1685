"""The command line: `japan-nato ...` and `python -m japan_nato ...`."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from japan_nato.errors import DataError, JapanNatoError

if TYPE_CHECKING:
    from japan_nato.progress import ProgressStore
    from japan_nato.validate import ValidationReport

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
The Japan-NATO Partnership course on the command line: check the course data, take a quiz
in the terminal, see, export or reset your progress, and (for instructors) build a report
from learners' exports and print the answer key."""

EPILOG = """\
examples:
  japan-nato validate
  japan-nato quiz 01_reading_the_source
  printf 'B\\ntrue\\n' | japan-nato quiz 00_start_here
  japan-nato progress
  japan-nato progress name "Aiko T."
  japan-nato progress export my_progress.csv
  japan-nato progress reset --yes
  japan-nato report exports/*.csv --plot report.svg --top 5
  japan-nato answer-key 01_reading_the_source -o key.md

Progress is kept in $JAPAN_NATO_PROGRESS, or under the Jupyter data directory
(see `jupyter --data-dir`); --progress-file overrides both."""


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="japan-nato",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--progress-file",
        metavar="PATH",
        help="the progress database to use (overrides $JAPAN_NATO_PROGRESS)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def data_dir_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--data-dir", metavar="DIR", help="course data folder (default: the course's data/)"
        )

    sub = commands.add_parser(
        "validate",
        help="check all course data and question banks",
        description="Check every data file, question bank and exercise. Prints a one-line "
        "summary and exits 0, or prints every problem (file:line: column: what) and exits 1. "
        "Exercises are code: validate runs each exercise's solution and wrong answers, in a "
        "child process with a time limit. Only validate a data folder you trust, or use "
        "--no-exec.",
    )
    data_dir_option(sub)
    sub.add_argument(
        "--no-exec",
        action="store_true",
        help="do not run the exercises' code (solutions and wrong answers); check the rest",
    )
    sub.add_argument(
        "--lint-figures",
        action="store_true",
        help="also print the bank lint's figures (correct letters, longest keys, true/false)",
    )
    sub.set_defaults(handler=_validate)

    sub = commands.add_parser(
        "quiz",
        help="take a quiz in the terminal (answers read from stdin, one per line)",
        description="Ask a bank's questions in the terminal and record the answers in your "
        "progress. Answer forms: a letter (B) or the option's text; several letters (A, C) for "
        "'choose all'; true/false; an order as letters or numbers (C A B or 3 1 2); matches as "
        "1=B, 2=A, 3=C; a short answer as text. Type ? for a hint, an empty line to skip. "
        "Works with piped input; end of input ends the quiz and prints the score.",
    )
    sub.add_argument("bank", metavar="BANK", help="the bank's name, e.g. 01_reading_the_source")
    data_dir_option(sub)
    sub.set_defaults(handler=_quiz)

    progress = commands.add_parser(
        "progress",
        help="show, export or reset your progress",
        description="Without a subcommand: one line per bank with questions, attempted and "
        "correct.",
    )
    data_dir_option(progress)
    progress.set_defaults(handler=_progress)
    actions = progress.add_subparsers(dest="action", metavar="ACTION")
    sub = actions.add_parser(
        "export",
        help="write every recorded answer to a CSV file for your instructor",
        description="Write every recorded answer to a CSV file, with a learner column "
        "(default: the name you chose, else $JAPAN_NATO_LEARNER, else your login name). "
        "A login name many learners share (root, jovyan, ...) is not used: you are asked for "
        "your name once, or give it with --learner.",
    )
    sub.add_argument("file", metavar="FILE.csv", help="the CSV file to write")
    sub.add_argument(
        "--learner",
        metavar="NAME",
        help="your name for the learner column (kept in your progress file for next time)",
    )
    sub.add_argument("--force", action="store_true", help="replace FILE.csv if it exists")
    sub.set_defaults(handler=_export)
    sub = actions.add_parser(
        "name",
        help="show or set the name your exports carry",
        description="Without NAME: print the name your exports carry. With NAME: keep it in "
        "your progress file. Account names many learners share (root, jovyan, ...) are refused.",
    )
    sub.add_argument("name", metavar="NAME", nargs="?", help="the name your instructor knows")
    sub.set_defaults(handler=_name)
    sub = actions.add_parser(
        "reset",
        help="delete every recorded answer (asks first)",
        description="Delete every recorded answer. Asks for confirmation; without a terminal "
        "it refuses unless --yes is given.",
    )
    sub.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    sub.set_defaults(handler=_reset)

    sub = commands.add_parser(
        "report",
        help="instructors: combine learners' exports into a report",
        description="Combine learners' progress exports into per-question percent correct, the "
        "most-missed questions, the most-chosen wrong options (misconceptions), mastery per "
        "objective, the pre/post learning gain (with attrition) and an item analysis "
        "(facility, discrimination, unused distractors, questions that look broken), printed "
        "as tables.",
    )
    sub.add_argument("files", metavar="FILE.csv", nargs="+", help="exports made by learners")
    sub.add_argument("--plot", metavar="OUT.svg", help="also draw percent correct as an SVG chart")
    sub.add_argument(
        "--top", metavar="N", type=_positive_int, default=10, help="rows in the top lists (10)"
    )
    data_dir_option(sub)
    sub.set_defaults(handler=_report)

    sub = commands.add_parser(
        "answer-key",
        help="instructors: print the Markdown answer key",
        description="Print the answer key (Markdown) of one bank, or of every bank.",
    )
    sub.add_argument("bank", metavar="BANK", nargs="?", help="one bank (default: every bank)")
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    data_dir_option(sub)
    sub.set_defaults(handler=_answer_key)
    from japan_nato.room.cli import add_room_command  # `room serve`: the live-room service

    add_room_command(commands)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    for stream in (sys.stdout, sys.stderr):
        # The course text has curly quotes; a legacy console encoding must not crash on them.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            if hasattr(args, "data_dir"):
                try:
                    args.data_dir = _data_dir(args)
                except DataError as err:
                    if args.command != "validate":
                        raise
                    return _print_report(_folder_report(err), args)  # validate reports it
            return handler(args)
        except DataError as err:
            if len(err.problems) == 1:
                _error(str(err.problems[0]))
            else:
                count = len(err.problems)
                _error(f"{count} problems:\n" + "\n".join(map(str, err.problems)))
        except JapanNatoError as err:
            _error(str(err))
        except BrokenPipeError:
            # The reader (say, `| head`) has gone; stop quietly, as other tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_ERROR
        except OSError as err:
            target = f" {err.filename}" if err.filename else ""
            _error(f"cannot use{target}: {err.strerror or err}")
        except KeyboardInterrupt:
            print(file=sys.stderr)
            return 130
    return EXIT_ERROR


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _show_warning(message: Warning | str, *_: Any, **__: Any) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _store(args: argparse.Namespace) -> ProgressStore:
    from japan_nato.progress import get_store

    return get_store(args.progress_file)


def _data_dir(args: argparse.Namespace) -> Path:
    """Resolve --data-dir (default: the course's data) once: the handlers get a Path."""
    from japan_nato.dataset.paths import resolve_data_dir

    return resolve_data_dir(args.data_dir)


def _folder_report(err: DataError) -> ValidationReport:
    """A validation report of a data folder that cannot be used at all."""
    from japan_nato.validate import ValidationReport

    return ValidationReport(list(err.problems))


def _known_bank(name: str, data_dir: Path) -> bool:
    """Say so on stderr when there is no bank of that name."""
    from japan_nato.quiz import bank_names

    names = bank_names(data_dir)
    if name in names:
        return True
    _error(f"no question bank {name!r}; the banks are: {', '.join(names) or 'none'}")
    return False


# -- commands ------------------------------------------------------------------------------


def _validate(args: argparse.Namespace) -> int:
    from japan_nato.validate import validate_all

    return _print_report(validate_all(args.data_dir, execute=not args.no_exec), args)


def _print_report(report: ValidationReport, args: argparse.Namespace) -> int:
    """Print a validation report (the problems, then the summary on stderr); return the code."""
    if args.lint_figures and report.lint:
        print("Bank lint figures:\n" + report.lint)
    if not report.problems:
        print(report.summary)
        return EXIT_OK
    for problem in report.problems:
        print(problem)
    print(report.summary, file=sys.stderr)
    return EXIT_ERROR


def _quiz(args: argparse.Namespace) -> int:
    from japan_nato.api import quiz

    if not _known_bank(args.bank, args.data_dir):
        return EXIT_USAGE
    from japan_nato.views.terminal import run_terminal_quiz

    store = _store(args)
    if sys.stdin.isatty():
        _ask_name_once(store)
    run_terminal_quiz(quiz(args.bank, data_dir=args.data_dir, store=store))
    return EXIT_OK


def _ask_name_once(store: ProgressStore) -> str | None:
    """Ask for a learner-made name when none is kept and the account name is generic."""
    from japan_nato.api import learner_name, needs_learner_name, send_display_name
    from japan_nato.progress import clean_name

    if not needs_learner_name(store):
        return learner_name(store)
    print(
        f"Your account name ({learner_name(store)!r}) is shared by many learners. Type the "
        "name your instructor knows you by (asked once; empty to skip):"
    )
    while True:
        print("name> ", end="", flush=True)
        line = sys.stdin.readline()
        if not line.strip():
            return None
        try:
            name = store.set_learner_name(clean_name(line))
        except ValueError as exc:
            print(f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
            continue
        send_display_name(name)
        print(f"Kept: {name}. Change it with `japan-nato progress name NEW NAME`.")
        return name


def _progress(args: argparse.Namespace) -> int:
    from japan_nato.api import exercise_progress, progress
    from japan_nato.views.terminal import progress_text, terminal_width, wrap

    store = _store(args)
    banks = progress(store=store, data_dir=args.data_dir)
    exercises = exercise_progress(store=store, data_dir=args.data_dir)
    where = store.path if store.path is not None else "memory only (not saved)"
    print(wrap(f"Progress ({where}):", terminal_width()))
    print(progress_text(banks, exercises))
    return EXIT_OK


def _name(args: argparse.Namespace) -> int:
    from japan_nato.api import learner_name, needs_learner_name, set_learner_name

    store = _store(args)
    if args.name is None:
        name = learner_name(store)
        generic = (
            " (an account name many learners share: set your own)"
            if needs_learner_name(store)
            else ""
        )
        print(f"Your exports carry the name {name!r}{generic}.")
        return EXIT_OK
    feedback = set_learner_name(args.name, store)
    if feedback.correct is not True:
        _error(feedback.text)
        return EXIT_USAGE
    print(f"{feedback.title}. {feedback.text}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from japan_nato.api import learner_name, needs_learner_name, send_display_name

    store = _store(args)
    if args.learner:
        try:
            learner = store.set_learner_name(args.learner)
        except ValueError as exc:
            _error(f"--learner: {exc}")
            return EXIT_USAGE
        send_display_name(learner)
    elif needs_learner_name(store):
        chosen = _ask_name_once(store) if sys.stdin.isatty() else None
        if chosen is None:
            _error(
                f"your account name {learner_name(store)!r} is shared by many learners, so "
                'your instructor could not tell you apart: run again with --learner "Your Name" '
                "(kept for next time)"
            )
            return EXIT_ERROR
        learner = chosen
    else:
        learner = learner_name(store)
    rows = store.export(args.file, learner=learner, overwrite=args.force)
    print(f"Wrote {rows} answer(s) for learner {learner!r} to {args.file}")
    return EXIT_OK


def _reset(args: argparse.Namespace) -> int:
    store = _store(args)
    count = store.count()
    if count == 0:
        print("No answers to delete.")
        return EXIT_OK
    if not args.yes:
        if not sys.stdin.isatty():
            _error(
                f"refusing to delete {count} answer(s) without confirmation: stdin is not a "
                "terminal. Run `japan-nato progress reset --yes` to delete them."
            )
            return EXIT_ERROR
        # Not input(): without readline it writes the prompt to stderr.
        print(f"Delete {count} answers? [y/N] ", end="", flush=True)
        reply = sys.stdin.readline().strip().lower()
        if reply not in {"y", "yes"}:
            print("Nothing deleted.")
            return EXIT_OK
    print(f"Deleted {store.reset()} answer(s).")
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from japan_nato.instructor.chart import plot
    from japan_nato.instructor.gain import learning_gain, render_gain
    from japan_nato.instructor.items import course_distractors, item_analysis, render_items
    from japan_nato.instructor.report import build_report, load_exports, render_text

    exports = load_exports(args.files)
    questions = _course_questions(args.data_dir)
    report = build_report(exports, top=args.top, questions=questions)
    print(render_text(report), end="")
    print()
    print(render_gain(learning_gain(exports, questions)), end="")
    print()
    print(render_items(item_analysis(exports, course_distractors(args.data_dir))), end="")
    if args.plot:
        print(f"Chart written to {plot(report, args.plot)}")
    return EXIT_OK


def _course_questions(data_dir: Path) -> Any:
    """Return (bank, question_id, objective) of every course question, or None."""
    import pandas as pd

    from japan_nato.quiz import bank_names, load_bank

    rows = []
    try:
        for name in bank_names(data_dir):
            rows += [(name, q.id, q.objective) for q in load_bank(name, data_dir).questions]
    except DataError:
        return None  # a broken bank must not stop the report; `validate` names the problem
    return pd.DataFrame(rows, columns=["bank", "question_id", "objective"])


def _answer_key(args: argparse.Namespace) -> int:
    from japan_nato.instructor.answer_key import answer_key

    if args.bank is not None and not _known_bank(args.bank, args.data_dir):
        return EXIT_USAGE
    text = answer_key(args.data_dir, args.bank)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Answer key written to {args.output}")
    else:
        print(text, end="")
    return EXIT_OK
