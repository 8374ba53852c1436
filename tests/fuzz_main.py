"""Coverage-guided fuzzing of one target of ``fuzz_targets`` with atheris (libFuzzer), for ``make fuzz``.

    python tests/fuzz_main.py TARGET -max_total_time=SECONDS

starts from the target's seeds (written to ``build/fuzz/corpus/TARGET``, where
libFuzzer keeps the inputs that reach new code) and saves any input that gets
an untyped error under ``build/fuzz/TARGET/``, where ``tests/test_fuzz.py``
replays it from then on. Needs the ``fuzz`` extra (``pip install -e '.[fuzz]'``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).parent))

with atheris.instrument_imports(include=["amkit"]):
    import fuzz_targets

BUILD = Path(__file__).parent.parent / "build" / "fuzz"


def main() -> None:
    """Fuzz ``sys.argv[1]``; the other arguments go to libFuzzer."""
    target, options = sys.argv[1], sys.argv[2:]
    corpus = BUILD / "corpus" / target
    corpus.mkdir(parents=True, exist_ok=True)
    for number, seed in enumerate(fuzz_targets.seeds(target)):
        (corpus / f"seed-{number}").write_bytes(seed)
    (BUILD / target).mkdir(parents=True, exist_ok=True)
    arguments = [sys.argv[0], *options, f"-artifact_prefix={BUILD / target}/", "-rss_limit_mb=2048", str(corpus)]
    atheris.Setup(arguments, fuzz_targets.TARGETS[target])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
