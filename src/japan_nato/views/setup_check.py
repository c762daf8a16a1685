"""A set-up check for the start notebook: Python, data, progress file and widgets."""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from japan_nato.feedback import Feedback

if TYPE_CHECKING:
    from japan_nato.course import Course

NO_WIDGETS = (
    "If you are reading this text instead of a box with a green border, quiz widgets do not "
    "render here. Open the course in JupyterLab 4 (`make lab`, or the Binder link in the "
    "README). On GitHub or in a static HTML page, widgets never render. You can still answer "
    'every question from code: quiz("01_reading_the_source").answer("src-who-met", "A").'
)


def _line(ok: bool, text: str) -> Feedback:
    """Return one line of the set-up check as Feedback: passed or not, and what was checked."""
    return Feedback(ok, text)


@dataclass(frozen=True)
class SetupReport:
    """The result of check_setup(); shows itself as a widget with a plain-text fallback."""

    checks: tuple[Feedback, ...]

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(c.correct for c in self.checks)

    def text(self) -> str:
        """Return the report as plain text, with what to do if widgets do not render."""
        return "\n".join([*(str(c) for c in self.checks), "", NO_WIDGETS])

    def __repr__(self) -> str:
        return self.text()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        try:
            widget = _widget(self)
        except ImportError:
            print(self.text())
            return
        display(widget)


def _widget(report: SetupReport) -> Any:
    """Return an HTML widget of the report whose plain-text form is the report's text."""
    import ipywidgets

    class SetupBox(ipywidgets.HTML):
        """Shown as a box where widgets render, and as the report's text where they don't."""

        def __repr__(self) -> str:
            return report.text()

        def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
            data = super()._repr_mimebundle_(**kwargs)
            if data is not None:
                # ipywidgets cuts text/plain at 110 characters; keep the whole report.
                data["text/plain"] = repr(self)
            return data

    items = "".join(f"<li>{html.escape(str(c))}</li>" for c in report.checks)
    verdict = "✓ Widgets render here: quizzes will work." if report.ok else "✗ See above."
    return SetupBox(
        value=f"<ul>{items}</ul><p><strong>{html.escape(verdict)}</strong></p>",
        layout=ipywidgets.Layout(border="3px solid #009E73", padding="0 1em"),
    )


def check_setup(course: Course, *, store: Any) -> SetupReport:
    """Check Python, the course data, the progress file and ipywidgets; never raises."""

    checks = [
        _line(sys.version_info >= (3, 11), "Python 3.11 or newer"),
    ]
    try:
        report = course.validate(execute=False)
        if report.ok:
            checks.append(
                _line(True, f"Course data is valid ({report.summary.removeprefix('OK: ')})")
            )
        else:
            first = "; ".join(str(p) for p in report.problems[:3])
            checks.append(_line(False, f"Course data: {report.summary}: {first}"))
    except Exception as exc:  # a set-up check reports every failure instead of stopping
        checks.append(_line(False, f"Course data could not be checked: {exc}"))
    if store.warning:
        checks.append(_line(False, f"Progress file: {store.warning}"))
    else:
        checks.append(_line(True, "Progress file: your answers will be saved"))
    try:
        import ipywidgets  # noqa: F401

        checks.append(_line(True, "ipywidgets is installed in this kernel"))
    except ImportError:
        checks.append(_line(False, "ipywidgets is not installed: run `make lab` to set up"))
    return SetupReport(tuple(checks))
