"""PSVersion: System.Version parsing and ordering, plus PowerShell's prerelease precedence."""

from __future__ import annotations

import itertools
import pickle
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amkit import PSVersion

# -- parsing: what System.Version.TryParse accepts -------------------------------------------

ACCEPTED = {
    "two components": ("1.0", (1, 0, -1, -1)),
    "three components": ("1.2.3", (1, 2, 3, -1)),
    "four components": ("1.2.3.4", (1, 2, 3, 4)),
    "zeros": ("0.0", (0, 0, -1, -1)),
    "leading zeros": ("01.002.0003", (1, 2, 3, -1)),
    "int32 maximum": ("2147483647.2147483647", (2147483647, 2147483647, -1, -1)),
    "plus sign": ("+1.+2", (1, 2, -1, -1)),
    "negative zero": ("-0.0", (0, 0, -1, -1)),
    "spaces around components": (" 1 . 2 ", (1, 2, -1, -1)),
    "tab, newline, vertical tab, form feed, carriage return": ("\t1\n.\v2\f\r", (1, 2, -1, -1)),
    "trailing NUL characters": ("1.0\x00\x00", (1, 0, -1, -1)),
    "NUL after white space": ("1.0 \x00", (1, 0, -1, -1)),
    "NUL ending a middle component": ("1.0\x00.5", (1, 0, 5, -1)),
}


@pytest.mark.parametrize(("text", "parts"), ACCEPTED.values(), ids=ACCEPTED.keys())
def test_versions_system_version_accepts(text, parts):
    version = PSVersion(text)
    assert (version.major, version.minor, version.build, version.revision) == parts
    assert version.prerelease is None
    assert PSVersion.parse(text) == version


REFUSED = {
    "empty": "",
    "one component": "1",
    "five components": "1.2.3.4.5",
    "trailing dot": "1.",
    "leading dot": ".1",
    "empty middle component": "1..0",
    "letter": "1.a",
    "hexadecimal": "0x1.0",
    "negative": "1.-1",
    "negative major": "-1.0",
    "int32 overflow": "2147483648.0",
    "int32 minimum is still negative": "-2147483648.0",
    "sign without digits": "+.1",
    "two signs": "--1.0",
    "space between sign and digits": "- 1.0",
    "space inside a number": "1 0.0",
    "decimal point inside a number": "1.5,2.0",
    "non-ASCII digits": "\u0661.\u0662",
    "non-breaking space": "\u00a01.0",
    "NUL before white space": "1.0\x00 ",
    "NUL before the number": "\x001.0",
    "only white space": " . ",
    "hyphen without a label": "1.0.0-",
    "label after one component": "1-beta",
    "label with a space": "1.0-be ta",
    "label with an underscore": "1.0-beta_1",
    "label with an empty unit": "1.0-beta..1",
    "label ending in a dot": "1.0-beta.",
    "build metadata": "1.0.0+build5",
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_versions_system_version_refuses(text):
    with pytest.raises(ValueError, match="is not a"):
        PSVersion(text)
    assert PSVersion.parse(text) is None


@pytest.mark.parametrize("value", [1.0, 1, None, b"1.0", ["1", "0"]])
def test_non_strings_are_a_type_error_and_parse_to_none(value):
    with pytest.raises(TypeError, match="expects a string"):
        PSVersion(value)
    assert PSVersion.parse(value) is None


def test_a_non_string_label_is_a_type_error():
    with pytest.raises(TypeError, match="prerelease label as a string"):
        PSVersion("1.0", prerelease=1)  # type: ignore[arg-type]


def test_unset_components_read_as_minus_one_like_system_version():
    assert PSVersion("3.1").build == -1
    assert PSVersion("3.1").revision == -1
    assert PSVersion("3.1.4").revision == -1
    assert PSVersion("3.1.4.1").revision == 1


# -- prerelease labels ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "base", "label"),
    [
        ("2.5.0-beta", "2.5.0", "beta"),
        ("2.5.0-beta.2", "2.5.0", "beta.2"),
        ("2.5.0-rc-1", "2.5.0", "rc-1"),
        ("2.5.0--dash", "2.5.0", "-dash"),
        ("1.0-1", "1.0", "1"),
        ("1.2.3.4-alpha", "1.2.3.4", "alpha"),
    ],
)
def test_a_label_follows_the_first_hyphen_after_a_digit(text, base, label):
    version = PSVersion(text)
    assert (version.base, version.prerelease, version.is_prerelease) == (base, label, True)
    assert str(version) == f"{base}-{label}"


def test_the_prerelease_argument_adds_a_label():
    assert PSVersion("2.5.0", prerelease="alpha").prerelease == "alpha"
    assert str(PSVersion("2.5.0", "alpha")) == "2.5.0-alpha"


def test_the_prerelease_argument_overrides_the_label_in_the_text():
    version = PSVersion("2.5.0-beta", prerelease="rc.1")
    assert (version.base, version.prerelease) == ("2.5.0", "rc.1")
    assert version == PSVersion("2.5.0-rc.1")


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_prerelease_argument_means_a_release_even_over_a_label_in_the_text(empty):
    assert PSVersion("2.5.0", prerelease=empty).prerelease is None
    released = PSVersion("2.5.0-beta", prerelease=empty)
    assert released.prerelease is None
    assert released == PSVersion("2.5.0")


def test_the_prerelease_argument_is_validated_like_a_label_in_the_text():
    with pytest.raises(ValueError, match="is not a prerelease label"):
        PSVersion("2.5.0", prerelease="beta 1")
    with pytest.raises(ValueError, match="is not a prerelease label"):
        PSVersion("2.5.0", prerelease="beta+build")


def test_parse_takes_a_version_and_can_replace_its_label():
    beta = PSVersion("2.5.0-beta")
    assert PSVersion.parse(beta) is beta
    assert PSVersion.parse(beta, "rc") == PSVersion("2.5.0-rc")
    assert PSVersion.parse(beta, "") == PSVersion("2.5.0")
    assert PSVersion.parse("2.5.0", "beta") == beta


def test_without_prerelease_is_the_release_it_precedes():
    release = PSVersion("2.5.0")
    assert PSVersion("2.5.0-beta").without_prerelease() == release
    assert release.without_prerelease() is release


# -- ordering ------------------------------------------------------------------------------

CHAINS = {
    "unset components sort before set ones": ["1.0", "1.0.0", "1.0.0.0", "1.0.0.1", "1.0.1", "1.1", "2.0"],
    "components compare as numbers": ["1.2", "1.10", "1.100", "2.0", "10.0"],
    "prerelease before its release": [
        "2.5.0-alpha",
        "2.5.0-alpha.1",
        "2.5.0-beta",
        "2.5.0-beta.2",
        "2.5.0-beta.11",
        "2.5.0-rc.1",
        "2.5.0",
    ],
    "a release before the next version's prerelease": ["2.4.9", "2.5.0-alpha", "2.5.0", "2.5.1-alpha", "2.5.1"],
    "numeric units before alphanumeric ones": ["1.0.0-1", "1.0.0-2", "1.0.0-10", "1.0.0-a", "1.0.0-b"],
    "ordinal comparison: hyphen, digits, upper case, lower case": [
        "1.0.0--x",
        "1.0.0-1a",
        "1.0.0-Beta",
        "1.0.0-alpha",
    ],
    "more units after equal ones sort later": ["1.0.0-a", "1.0.0-a.1", "1.0.0-a.1.1", "1.0.0-a.b"],
    "labels only matter between equal versions": ["1.0-zzz", "1.0", "1.0.0-aaa", "1.0.0"],
    # Int32.TryParse reads "-5" as a number, and a unit beyond int32 as text.
    "negative numeric units (Int32.TryParse)": ["1.0.0-x.-5", "1.0.0-x.-1", "1.0.0-x.0", "1.0.0-x.3"],
    "units beyond int32 compare as text": ["1.0.0-x.2147483647", "1.0.0-x.10000000000", "1.0.0-x.9999999999"],
}


@pytest.mark.parametrize("chain", CHAINS.values(), ids=CHAINS.keys())
def test_ordering_chains(chain):
    versions = [PSVersion(text) for text in chain]
    for lower, higher in itertools.pairwise(versions):
        assert lower < higher
        assert higher > lower
        assert lower <= higher
        assert not lower >= higher
        assert lower != higher
    shuffled = versions[::-1]
    random.Random(7).shuffle(shuffled)
    assert [str(version) for version in sorted(shuffled)] == [str(version) for version in versions]
    assert max(shuffled) == versions[-1]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("1.0", "01.00"),
        ("1.0", " 1.0"),
        ("1.0", "+1.0"),
        ("1.0", "1.0\x00"),
        ("1.0.0-beta.1", "1.0.0-beta.01"),
        ("2.5.0-beta", PSVersion("2.5.0", "beta")),
    ],
)
def test_equal_spellings_are_equal_and_hash_alike(left, right):
    left_version = PSVersion(left)
    right_version = right if isinstance(right, PSVersion) else PSVersion(right)
    assert left_version == right_version
    assert hash(left_version) == hash(right_version)
    assert len({left_version, right_version}) == 1
    assert not left_version < right_version
    assert not right_version < left_version


def test_versions_compare_with_strings_both_ways():
    version = PSVersion("1.2.3")
    assert version == "1.2.3"
    assert "1.2.3" == version
    assert version == " 01.2.3 "
    assert version != "1.2.3.0"
    assert version != "1.2.3-beta"
    assert version < "1.2.4"
    assert "1.2.4" > version
    assert version >= "1.2"
    assert "1.2" <= version


def test_unparsable_strings_and_other_types_are_unequal_and_unordered():
    version = PSVersion("1.0")
    assert version != "1"
    assert version != "not a version"
    assert version != 1.0
    assert version is not None
    with pytest.raises(TypeError):
        _ = version < "1"
    with pytest.raises(TypeError):
        _ = version < 2


def test_versions_work_as_dict_keys_across_spellings():
    table = {PSVersion("1.0.0"): "a", PSVersion("2.0.0-beta"): "b"}
    assert table[PSVersion("01.0.0")] == "a"
    assert table[PSVersion("2.0.0", "beta")] == "b"
    assert PSVersion("1.0") not in table  # 1.0 is not 1.0.0 for System.Version


@pytest.mark.parametrize("text", ["1.0", "1.2.3", "1.2.3.4", "2.5.0-beta.2", "2147483647.0.0.0"])
def test_str_repr_and_pickle_round_trip(text):
    version = PSVersion(text)
    assert str(version) == text
    assert repr(version) == f"PSVersion('{text}')"
    assert PSVersion(str(version)) == version
    assert pickle.loads(pickle.dumps(version)) == version


def test_str_is_canonical():
    assert str(PSVersion(" 01.002.03 ")) == "1.2.3"
    assert str(PSVersion("+1.-0")) == "1.0"


# -- properties ----------------------------------------------------------------------------

component = st.integers(min_value=0, max_value=2**31 - 1)
components = st.lists(component, min_size=2, max_size=4)
label_unit = st.one_of(
    st.integers(min_value=0, max_value=2**31 - 1).map(str),
    st.text(alphabet="abcxyzABZ-", min_size=1, max_size=4),
)
labels = st.one_of(st.none(), st.lists(label_unit, min_size=1, max_size=3).map(".".join))


def as_text(parts: list[int], label: str | None) -> str:
    return ".".join(map(str, parts)) + (f"-{label}" if label else "")


def reference_key(parts: list[int], label: str | None):
    """An independent statement of the order: padded System.Version, then SemVer precedence."""
    padded = tuple(parts) + (-1,) * (4 - len(parts))
    if label is None:
        return (padded, 1, ())
    units = tuple((0, int(unit), "") if unit.isdigit() else (1, 0, unit) for unit in label.split("."))
    return (padded, 0, units)


@given(components, labels, components, labels)
def test_order_is_the_reference_order(parts_a, label_a, parts_b, label_b):
    a, b = PSVersion(as_text(parts_a, label_a)), PSVersion(as_text(parts_b, label_b))
    key_a, key_b = reference_key(parts_a, label_a), reference_key(parts_b, label_b)
    assert (a < b) == (key_a < key_b)
    assert (a == b) == (key_a == key_b)
    assert (a > b) == (key_a > key_b)
    # exactly one of <, ==, > holds: the order is total
    assert [a < b, a == b, a > b].count(True) == 1


@given(components, components)
def test_release_order_is_tuple_order_of_padded_components(parts_a, parts_b):
    a, b = PSVersion(".".join(map(str, parts_a))), PSVersion(".".join(map(str, parts_b)))
    padded_a = tuple(parts_a) + (-1,) * (4 - len(parts_a))
    padded_b = tuple(parts_b) + (-1,) * (4 - len(parts_b))
    assert (a < b) == (padded_a < padded_b)
    assert (a == b) == (padded_a == padded_b)


@given(st.lists(st.tuples(components, labels), min_size=1, max_size=12))
def test_sorting_matches_the_reference_key(entries):
    versions = [PSVersion(as_text(parts, label)) for parts, label in entries]
    expected = [as_text(parts, label) for parts, label in sorted(entries, key=lambda entry: reference_key(*entry))]
    assert [str(version) for version in sorted(versions)] == expected


@given(components, labels, st.lists(st.sampled_from(" \t"), max_size=2))
def test_str_of_a_parsed_version_parses_back_equal(parts, label, padding):
    text = "".join(padding) + as_text(parts, label)
    version = PSVersion(text)
    again = PSVersion(str(version))
    assert again == version
    assert str(again) == str(version)
    assert hash(again) == hash(version)


@given(components, labels, components, labels, components, labels)
def test_order_is_transitive(pa, la, pb, lb, pc, lc):
    a, b, c = (PSVersion(as_text(p, label)) for p, label in ((pa, la), (pb, lb), (pc, lc)))
    if a <= b and b <= c:
        assert a <= c


@given(st.text(max_size=20))
def test_parse_never_raises(text):
    version = PSVersion.parse(text)
    if version is not None:
        assert PSVersion(str(version)) == version
