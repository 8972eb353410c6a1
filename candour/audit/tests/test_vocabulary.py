"""Every action the code records has a plain-English description."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from candour.audit import vocabulary

PACKAGE = Path(__file__).resolve().parents[2]
ACTION_CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def _alternatives(node: ast.expr) -> list[str] | None:
    """The strings an expression can be, if it is built from literals only."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _alternatives(node.body), _alternatives(node.orelse)
        if body is not None and orelse is not None:
            return body + orelse
    if isinstance(node, ast.BoolOp):  # action or "default.action": the literal operands
        found = [text for value in node.values for text in _alternatives(value) or []]
        return found or None
    return None


def _names_an_action(call: ast.Call) -> list[ast.expr]:
    """The arguments of a call that may name an audit action: ``action=`` anywhere, and every
    argument of ``audit.record(...)`` or of a helper whose name says it audits."""
    name = getattr(call.func, "attr", None) or getattr(call.func, "id", None) or ""
    values = [kw.value for kw in call.keywords if kw.arg == "action"]
    if name == "record" or "audit" in name.lower():
        values += [*call.args, *(kw.value for kw in call.keywords if kw.arg != "action")]
    return values


def _pattern(node: ast.JoinedStr) -> re.Pattern[str]:
    """An f-string as a pattern: literal parts as they are, each placeholder as its literal
    alternatives or, if it is a variable, any name part."""
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(re.escape(str(value.value)))
        elif isinstance(value, ast.FormattedValue):
            options = _alternatives(value.value)
            parts.append("(" + "|".join(map(re.escape, options)) + ")" if options else "[a-z_]+")
    return re.compile("^" + "".join(parts) + "$")


def recorded_actions(root: Path = PACKAGE) -> tuple[set[str], list[re.Pattern[str]]]:
    """Every audit action the code (outside tests) names, as literals and f-string patterns."""
    literal: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for path in root.rglob("*.py"):
        if {"tests", "migrations", "testapp"} & set(path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for value in _names_an_action(node):
                if isinstance(value, ast.JoinedStr) and ACTION_CODE.match(
                    "".join(
                        str(v.value) if isinstance(v, ast.Constant) else "x" for v in value.values
                    )
                ):
                    patterns.append(_pattern(value))
                for text in _alternatives(value) or []:
                    if ACTION_CODE.match(text):
                        literal.add(text)
    return literal, patterns


def test_every_recorded_action_has_a_description():
    literal, patterns = recorded_actions()
    assert len(literal) > 30, "the scan found too few actions: is it still reading the code?"
    missing = sorted(code for code in literal if code not in vocabulary.DESCRIPTIONS)
    assert not missing, f"describe these actions in candour/audit/vocabulary.py: {missing}"
    for pattern in patterns:
        assert any(pattern.match(code) for code in vocabulary.DESCRIPTIONS), (
            f"no description matches the action pattern {pattern.pattern}"
        )


def test_the_scan_sees_dynamic_action_names():
    _, patterns = recorded_actions()
    dynamic = {"accounts.sign_in.password_failed", "reporting.disclosure.refused"}
    assert all(any(p.match(code) for p in patterns) for code in dynamic)


def test_the_scan_would_catch_an_undescribed_action(tmp_path):
    (tmp_path / "services.py").write_text(
        "audit.record(actor=user, action='reporting.report.teleported')\n"
        "_audit(user, report, 'reporting.report.beamed', 'a reason.')\n"
        "audit.record(actor=user, action=f'flags.lookup.{kind}_x')\n"
        "parser.add_argument('--once', action='store_true')\n"
    )
    literal, patterns = recorded_actions(tmp_path)
    assert literal == {"reporting.report.teleported", "reporting.report.beamed"}
    assert not literal & set(vocabulary.DESCRIPTIONS)
    assert not any(p.match(code) for p in patterns for code in vocabulary.DESCRIPTIONS)


def test_descriptions_are_plain_sentences():
    for code, text in vocabulary.DESCRIPTIONS.items():
        assert ACTION_CODE.match(code), code
        assert text[0].isupper(), code
        assert not text.endswith("."), code
        assert code not in text


def test_unknown_actions_show_their_code():
    assert vocabulary.describe("test.something_new") == "test.something_new"
    assert vocabulary.area_of("test.something_new") == "Other"


def test_choices_are_grouped_by_area_and_sorted():
    choices = vocabulary.grouped_choices(
        ["reporting.report.closed", "accounts.sign_out", "accounts.sign_in", "test.x"]
    )
    assert choices == [
        (
            "Sign-in and user accounts",
            [("accounts.sign_in", "Signed in"), ("accounts.sign_out", "Signed out")],
        ),
        ("Confidential reporting", [("reporting.report.closed", "Closed a report")]),
        ("Other", [("test.x", "test.x")]),
    ]
