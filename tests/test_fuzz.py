"""Mutated real inputs, thousands of them, never get anything but a typed amkit error from amkit's readers.

Each target of ``fuzz_targets`` is fed its seeds (the bundled samples) mutated by
Hypothesis with a fixed seed, so a run is the same run every time;
``AMKIT_FUZZ_EXAMPLES`` sets how many examples each target gets and
``AMKIT_FUZZ_SEED`` another seed (``make fuzz`` raises the one and draws the
other). Inputs that once failed, saved under ``build/fuzz/<target>/`` by ``make
fuzz`` or kept under ``tests/fuzz_cases/<target>/``, are replayed too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fuzz_targets import TARGETS, seeds
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

ROOT = Path(__file__).parent.parent
EXAMPLES = int(os.environ.get("AMKIT_FUZZ_EXAMPLES", "700"))
SEED = os.environ.get("AMKIT_FUZZ_SEED")
# Reading a package (and checking it twice) costs more than reading one file: fewer examples of it.
SHARE = {"open_package": 0.25}

# What mutations insert: the openers, quotes and escapes readers handle specially, and bytes decoders trip on.
TOKENS = [
    b"@{",
    b"@(",
    b"$(",
    b"{",
    b"(",
    b"[",
    b"}",
    b")",
    b"'",
    b'"',
    b"`",
    b"@'\n",
    b"\n'@",
    b"<#",
    b"#>",
    b"#requires -Modules X\n",
    b"function F {",
    b"\x00",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",  # a lone surrogate, as UTF-8 would write it
    b"\x80",
    b"\\u0000",
    b"\r",
    b"PK\x03\x04",
    b"PK\x01\x02",
    b"../",
    b"\xff" * 8,
    b"9" * 40,
]

mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.sampled_from(TOKENS)),
    st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 64)),
    st.tuples(st.just("repeat"), st.integers(0, 1 << 20), st.integers(1, 32), st.integers(2, 300)),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 20)),
)


def mutate(data: bytes, steps: list[tuple[object, ...]]) -> bytes:
    """Apply each step at its offset (taken modulo the length, so every step lands inside the input)."""
    out = bytearray(data)
    for kind, offset, *rest in steps:
        at = int(offset) % (len(out) + 1)  # type: ignore[call-overload]
        if kind == "flip" and at < len(out):
            out[at] = int(rest[0])  # type: ignore[call-overload]
        elif kind == "insert":
            out[at:at] = rest[0]  # type: ignore[index]
        elif kind == "delete":
            del out[at : at + int(rest[0])]  # type: ignore[call-overload]
        elif kind == "repeat":
            piece = bytes(out[at : at + int(rest[0])])  # type: ignore[call-overload]
            out[at:at] = piece * int(rest[1])  # type: ignore[call-overload]
        elif kind == "truncate":
            del out[at:]
    return bytes(out)


def mutated(target: str) -> st.SearchStrategy[bytes]:
    """A seed of ``target`` after up to eight mutations."""
    steps = st.lists(mutation, max_size=8)
    return st.builds(mutate, st.sampled_from(seeds(target)), steps)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_mutated_inputs_get_only_typed_errors(target: str) -> None:
    examples = max(1, int(EXAMPLES * SHARE.get(target, 1.0)))

    @seed(int(SEED or 0))
    @settings(
        max_examples=examples,
        derandomize=SEED is None,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(target))
    def run(data: bytes) -> None:
        TARGETS[target](data)

    run()


def saved_cases() -> list[tuple[str, Path]]:
    """Inputs that once failed: kept in the repository, or left by ``make fuzz`` in ``build/fuzz``."""
    found = []
    for folder in (ROOT / "tests" / "fuzz_cases", ROOT / "build" / "fuzz"):
        for target in sorted(TARGETS):
            found += [(target, path) for path in sorted((folder / target).glob("*")) if path.is_file()]
    return found


@pytest.mark.parametrize(("target", "path"), saved_cases(), ids=lambda item: getattr(item, "name", item))
def test_inputs_that_once_failed_get_only_typed_errors(target: str, path: Path) -> None:
    TARGETS[target](path.read_bytes())
