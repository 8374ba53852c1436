"""NuGet version ranges, as a nuspec writes them, compared with NuGet's own rules (not PowerShell's)."""

from __future__ import annotations

import pytest

import amkit
from amkit.package.nuspec import nuget_version_key


@pytest.mark.parametrize(
    ("text", "minimum", "minimum_inclusive", "maximum", "maximum_inclusive", "exact"),
    [
        ("1.0", "1.0", True, None, True, False),
        ("[1.0]", "1.0", True, "1.0", True, True),
        ("(,1.0]", None, False, "1.0", True, False),
        ("(,1.0)", None, False, "1.0", False, False),
        ("[1.0,2.0)", "1.0", True, "2.0", False, False),
        ("(1.0,)", "1.0", False, None, False, False),
        ("[2.7.0, )", "2.7.0", True, None, False, False),
        (" [1.0 , 2.0] ", "1.0", True, "2.0", True, False),
        ("[1.0,1.0.0]", "1.0", True, "1.0.0", True, True),
        ("", None, True, None, True, False),
    ],
)
def test_range_forms(
    text: str, minimum: str | None, minimum_inclusive: bool, maximum: str | None, maximum_inclusive: bool, exact: bool
) -> None:
    parsed = amkit.parse_nuget_range(text)
    assert (parsed.minimum, parsed.minimum_inclusive, parsed.maximum, parsed.maximum_inclusive) == (
        minimum,
        minimum_inclusive,
        maximum,
        maximum_inclusive,
    )
    assert parsed.is_exact is exact
    assert parsed.text == text


@pytest.mark.parametrize(
    ("text", "accepted", "refused"),
    [
        ("1.0", ["1.0", "1.0.0", "1.0.0.0", "1.0.1", "99.0"], ["0.9", "0.9.9.9", "1.0.0-beta"]),
        ("[1.0]", ["1", "1.0", "1.0.0", "1.0.0.0", "1.0.0+build.5"], ["1.0.0.1", "1.0.1", "1.0.0-rc1"]),
        ("(,1.0]", ["0.1", "1.0.0", "1.0.0-beta"], ["1.0.0.1", "1.1"]),
        ("[1.0,2.0)", ["1.0", "1.9.9", "2.0.0-beta"], ["2.0", "2.0.0", "0.9"]),
        ("(1.0,)", ["1.0.1", "1.0.0.1"], ["1.0", "1.0.0"]),
        ("[1.0.0-beta,1.0.0]", ["1.0.0-beta", "1.0.0-rc.1", "1.0.0"], ["1.0.0-alpha"]),
        ("", ["0.0.1", "100.0"], []),
    ],
)
def test_nuget_normalises_before_comparing(text: str, accepted: list[str], refused: list[str]) -> None:
    parsed = amkit.parse_nuget_range(text)
    assert [version for version in accepted if parsed.accepts(version)] == accepted
    assert [version for version in refused if parsed.accepts(version)] == []


def test_nuget_and_powershell_disagree_on_1_0_versus_1_0_0() -> None:
    # NuGet: one version. PowerShell's System.Version: 1.0 < 1.0.0 < 1.0.0.0.
    assert nuget_version_key("1.0") == nuget_version_key("1.0.0") == nuget_version_key("1.0.0.0")
    assert amkit.PSVersion("1.0") < amkit.PSVersion("1.0.0") < amkit.PSVersion("1.0.0.0")
    assert amkit.parse_nuget_range("[1.0]").accepts(amkit.PSVersion("1.0.0"))
    exact = amkit.ModuleSpec.from_value({"ModuleName": "M", "RequiredVersion": "1.0"})
    assert not exact.accepts("1.0.0")


def test_prerelease_labels_compare_ignoring_case_in_nuget() -> None:
    assert nuget_version_key("1.0.0-Beta") == nuget_version_key("1.0.0-beta")
    assert nuget_version_key("1.0.0-alpha") < nuget_version_key("1.0.0-beta") < nuget_version_key("1.0.0")
    assert nuget_version_key("1.0.0-beta.2") < nuget_version_key("1.0.0-beta.10")
    assert nuget_version_key("1.0.0-beta.10") < nuget_version_key("1.0.0-beta.x")


@pytest.mark.parametrize("text", ["v1.0", "1.0.0.0.0", "1.a", "1.0-", "", "1..0", "-1.0"])
def test_versions_nuget_cannot_read(text: str) -> None:
    assert nuget_version_key(text) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[1.0", "does not close"),
        ("1.0,2.0", "is not a NuGet version range"),
        ("(1.0)", "an exact version is written [1.0]"),
        ("[]", "does not close"),
        ("[,]", "is not a NuGet version range"),
        ("[2.0,1.0]", "admits no version"),
        ("(1.0,1.0]", "admits no version"),
        ("[1.0,2.0,3.0]", "is not a NuGet version range"),
        ("[abc,2.0]", "'abc' is not a version"),
        ("latest", "'latest' is not a version"),
    ],
)
def test_malformed_ranges_are_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        amkit.parse_nuget_range(text)
