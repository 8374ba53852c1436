"""docs/rules.md is generated from the rule registry and must match it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from amkit.checks import all_rules
from amkit.checks.docs import main, rules_markdown

RULES_MD = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_committed_rules_md_matches_the_registry() -> None:
    expected = rules_markdown()
    actual = RULES_MD.read_text(encoding="utf-8") if RULES_MD.exists() else ""
    assert actual == expected, "docs/rules.md is out of date: run `python -m amkit.checks.docs` and commit it"


def test_every_rule_has_a_section_headed_by_its_id_in_registry_order() -> None:
    text = rules_markdown()
    headings = re.findall(r"^## (\S+)$", text, flags=re.MULTILINE)
    assert headings == [item.id for item in all_rules()]
    links = re.findall(r"^\| \[(\w+)\]\(#(\w+)\) \|", text, flags=re.MULTILINE)
    assert links == [(item.id, item.id.lower()) for item in all_rules()]


def test_a_section_holds_severity_needs_source_rationale_and_fix() -> None:
    text = rules_markdown()
    section = text.split("## AM112\n", 1)[1].split("\n## ", 1)[0]
    item = next(rule for rule in all_rules() if rule.id == "AM112")
    assert f"- Severity: {item.severity}\n" in section
    assert "- Needs: a target runtime (`amkit.check(..., runtime=...)`, `amkit check --runtime`)\n" in section
    assert f"- Source: [{item.source}]({item.help_uri})\n" in section
    assert "- Needs: an Automation account" in text.split("## AM111\n", 1)[1].split("\n## ", 1)[0]
    assert "- Needs: nothing: runs on the package alone" in text.split("## AM101\n", 1)[1].split("\n## ", 1)[0]


def test_angle_brackets_are_escaped_and_code_spans_kept() -> None:
    text = rules_markdown()
    section = text.split("## AM102\n", 1)[1].split("\n## ", 1)[0]
    assert "**A module folder holds no &lt;Name&gt;.psd1, .psm1 or .dll**" in section
    assert "<Name>" not in section
    assert "with `amkit pack`." in text.split("## AM100\n", 1)[1].split("\n## ", 1)[0]


def test_the_command_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sub" / "rules.md"
    assert main([str(out)]) == 0
    assert out.read_text(encoding="utf-8") == rules_markdown()
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert main(["a", "b"]) == 2
