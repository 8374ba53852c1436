"""A writer killed (SIGKILL) anywhere in imports, deletes and "Update Az modules" leaves a sound account behind.

Every operation is one SQLite transaction, so an import killed between two
of its provisioning states leaves no trace: no module row stuck in
``Creating``, no history of it. The test kills writers at random points and
checks the file after each kill (:func:`account_work.assert_sound`).

``AMKIT_KILLS`` sets how many kills (5 by default; ``make fuzz`` runs more),
``AMKIT_KILL_SEED`` the random seed, which a failure names so it can be replayed.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

from account_work import assert_sound, material, processes, write_until_killed

from amkit.account import IMPORT_STATES

KILLS = int(os.environ.get("AMKIT_KILLS", "5"))
SEED = int(os.environ.get("AMKIT_KILL_SEED", "20260302"))
#: The longest a writer is given to start working, or to kill itself as told, before it is killed anyway.
PATIENCE = 10.0


def test_a_writer_killed_anywhere_leaves_each_operation_whole_or_absent(
    tmp_path: Path, samples: dict[str, Path]
) -> None:
    work = material(tmp_path, samples)
    path = tmp_path / "account.db"
    rng = random.Random(SEED)
    context = processes()
    for kill in range(1, KILLS + 1):
        replay = f"kill {kill} of {KILLS} (replay with AMKIT_KILL_SEED={SEED} AMKIT_KILLS={KILLS})"
        # Odd kills come from the writer itself, as an import enters a state: between two of them, inside its
        # transaction. The others at a random moment: of a running writer (in any operation, or committing it),
        # or, every fourth kill, of one starting (opening the file, creating it the first time).
        kill_at = (rng.choice([*IMPORT_STATES, "Failed"]), rng.randrange(3)) if kill % 2 else None
        running = context.Event()
        writer = context.Process(
            target=write_until_killed, args=(str(path), work, rng.randrange(2**32), kill_at, running)
        )
        writer.start()
        if kill_at is not None:
            writer.join(PATIENCE)
        elif kill % 4 == 2:
            running.wait(PATIENCE)
            time.sleep(rng.uniform(0.0, 0.5))
        else:
            time.sleep(rng.uniform(0.0, 0.3))
        writer.kill()
        writer.join()
        assert writer.exitcode == -signal.SIGKILL, f"{replay}: the writer ended with {writer.exitcode}, not killed"
        operations = assert_sound(path, replay)
    assert operations > 0, "the writers never got an operation done"
