"""Import plans: versions chosen, dependencies first, account contents skipped, failures explained, waves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from packages import Members, guid_of, module, requires, spec, write_zip

import amkit

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "manifests"


class Account:
    """Stands for the account protocol plans use: ``versions(name)``, the versions the account can use."""

    def __init__(self, modules: dict[str, list[str]]) -> None:
        self._modules = {name.casefold(): [amkit.PSVersion(text) for text in texts] for name, texts in modules.items()}

    def versions(self, name: str) -> list[amkit.PSVersion]:
        return self._modules.get(name.casefold(), [])


def inventory(tmp_path: Path, *packages: Members) -> amkit.Inventory:
    root = tmp_path / "shelf"
    for number, members in enumerate(packages):
        name = next(iter(members)).split("/", 1)[0]
        write_zip(root / f"{number:02d}" / f"{name}.zip", members)
    return amkit.scan(root, progress=False)


def steps(plan: amkit.ImportPlan) -> list[tuple[object, ...]]:
    frame = plan.steps
    return [
        tuple(None if pd.isna(value) else value for value in row)
        for row in frame[["step", "module", "version", "level", "action"]].itertuples(index=False)
    ]


def failures(plan: amkit.ImportPlan) -> dict[str, str]:
    return dict(zip(plan.unsatisfiable["module"], plan.unsatisfiable["reason"], strict=True))


def test_dependencies_come_first(tmp_path: Path) -> None:
    available = inventory(
        tmp_path,
        module("Az.Storage", "5.0.0", RequiredModules=requires(spec("Az.Accounts", ModuleVersion="2.7.0"))),
        module("Az.Accounts", "2.7.0"),
        module("Az.Accounts", "2.12.1"),
        module("Reports", "1.0.0", RequiredModules=requires("'Az.Storage'", "'Az.Accounts'")),
    )
    plan = amkit.plan_imports("Reports", available)
    assert steps(plan) == [
        (1, "Az.Accounts", "2.12.1", 0, "import"),
        (2, "Az.Storage", "5.0.0", 1, "import"),
        (3, "Reports", "1.0.0", 2, "import"),
    ]
    assert plan.complete
    assert plan.unsatisfiable.empty and plan.cycles == []
    assert list(plan.steps["required_by"]) == ["Az.Storage 5.0.0, Reports 1.0.0", "Reports 1.0.0", "(target)"]
    assert plan.steps["source"][0].endswith("Az.Accounts.zip")
    assert repr(plan) == "<ImportPlan 3 to import, 0 already there, 0 unsatisfiable>"


def test_the_version_meets_every_requirement_on_it(tmp_path: Path) -> None:
    available = inventory(
        tmp_path,
        *(module("Lib", version) for version in ("1.0.0", "1.4.0", "1.5.0", "2.0.0")),
        module("A", "1.0.0", RequiredModules=requires(spec("Lib", ModuleVersion="1.2.0"))),
        module("B", "1.0.0", RequiredModules=requires(spec("Lib", MaximumVersion="1.4.*"))),
    )
    assert steps(amkit.plan_imports(["A"], available))[0] == (1, "Lib", "2.0.0", 0, "import")
    assert steps(amkit.plan_imports(["A", "B"], available))[0] == (1, "Lib", "1.4.0", 0, "import")


def test_a_later_requirement_withdraws_what_an_earlier_choice_required(tmp_path: Path) -> None:
    # Lib 2.0 needs Helper 1.0 exactly; once B rules Lib 2.0 out, Lib 1.5 needs Helper 2.0 instead.
    available = inventory(
        tmp_path,
        module("Lib", "2.0.0", RequiredModules=requires(spec("Helper", RequiredVersion="1.0.0"))),
        module("Lib", "1.5.0", RequiredModules=requires(spec("Helper", RequiredVersion="2.0.0"))),
        module("Helper", "1.0.0"),
        module("Helper", "2.0.0"),
        module("A", "1.0.0", RequiredModules=requires("'Lib'")),
        module("B", "1.0.0", RequiredModules=requires(spec("Lib", MaximumVersion="1.9.0"))),
    )
    plan = amkit.plan_imports(["A", "B"], available)
    chosen = {row[1]: row[2] for row in steps(plan)}
    assert chosen == {"Helper": "2.0.0", "Lib": "1.5.0", "A": "1.0.0", "B": "1.0.0"}
    assert plan.steps.set_index("module").loc["Helper", "required_by"] == "Lib 1.5.0"


@pytest.mark.parametrize(
    ("target", "versions", "chosen"),
    [
        ("Lib==1.0", ["1.0", "1.0.0"], "1.0"),
        ("Lib==1.0.0", ["1.0", "1.0.0", "1.0.0.0"], "1.0.0"),
        ("Lib", ["1.0", "1.0.0", "1.0.0.0"], "1.0.0.0"),
        ("Lib", ["1.9.0", "1.10.0"], "1.10.0"),
        ("Lib", ["1.0.0", "2.0.0-beta"], "1.0.0"),
        ("Lib", ["2.0.0-alpha", "2.0.0-beta"], "2.0.0-beta"),
        ("Lib==2.0.0", ["1.0.0", "2.0.0-rc1"], "2.0.0-rc1"),
        ("Lib", ["1.0.0", "2.0.0", "3.0.0-rc1"], "2.0.0"),
        ("Lib==2.0.0-beta", ["2.0.0-beta", "2.0.0", "2.0.0-rc1"], "2.0.0-beta"),
        ("Lib==3.0.0-rc1", ["2.0.0", "3.0.0-rc1"], "3.0.0-rc1"),
    ],
    ids=[
        "1.0",
        "1.0.0",
        "1.0.0.0-highest",
        "numeric-order",
        "release-first",
        "prerelease-order",
        "label-ignored",
        "highest-release-before-newer-prerelease",
        "prerelease-asked-for-by-label",
        "prerelease-asked-for-above-releases",
    ],
)
def test_system_version_and_prerelease_order(tmp_path: Path, target: str, versions: list[str], chosen: str) -> None:
    available = inventory(tmp_path, *(module("Lib", version) for version in versions))
    assert steps(amkit.plan_imports(target, available)) == [(1, "Lib", chosen, 0, "import")]


def test_allow_prerelease_takes_the_highest_and_a_dependency_still_prefers_nothing_else(tmp_path: Path) -> None:
    available = inventory(
        tmp_path,
        module("Lib", "1.0.0"),
        module("Lib", "2.0.0-beta"),
        module("App", "1.0.0", RequiredModules=requires("'Lib'")),
    )
    assert steps(amkit.plan_imports("App", available))[0][1:3] == ("Lib", "1.0.0")
    assert steps(amkit.plan_imports("App", available, allow_prerelease=True))[0][1:3] == ("Lib", "2.0.0-beta")


def test_a_prerelease_target_with_no_such_version_is_unsatisfiable(tmp_path: Path) -> None:
    available = inventory(tmp_path, module("Lib", "2.0.0"))
    plan = amkit.plan_imports("Lib==2.0.0-beta", available)
    assert not plan.complete
    assert list(failures(plan)) == ["Lib"]


def test_requirements_no_version_meets(tmp_path: Path) -> None:
    available = inventory(
        tmp_path,
        module("Lib", "1.0.0"),
        module("Lib", "2.0.0"),
        module("A", "1.0.0", RequiredModules=requires(spec("Lib", RequiredVersion="1.0.0"))),
        module("B", "1.0.0", RequiredModules=requires(spec("Lib", ModuleVersion="2.0.0"))),
    )
    plan = amkit.plan_imports(["A", "B"], available)
    assert not plan.complete
    reasons = failures(plan)
    assert set(reasons) == {"Lib", "A", "B"}
    assert reasons["Lib"].startswith("no available version meets every requirement (")
    assert "Lib[RequiredVersion=1.0.0] by A 1.0.0" in reasons["Lib"]
    assert "Lib[ModuleVersion=2.0.0] by B 1.0.0" in reasons["Lib"]
    assert reasons["Lib"].endswith("available: 1.0.0, 2.0.0")
    assert reasons["A"] == "it needs Lib, which cannot be imported"
    assert steps(plan) == []


def test_missing_modules_and_what_needs_them(tmp_path: Path) -> None:
    available = inventory(
        tmp_path,
        module("App", "1.0.0", RequiredModules=requires("'Gone'", "'Lib'")),
        module("Lib", "1.0.0"),
        module("User", "1.0.0", RequiredModules=requires("'App'")),
    )
    plan = amkit.plan_imports(["User", "Nowhere"], available)
    assert failures(plan) == {
        "App": "it needs Gone, which cannot be imported",
        "Gone": "no package provides it",
        "Nowhere": "no package provides it",
        "User": "it needs App, which cannot be imported",
    }
    assert plan.unsatisfiable.set_index("module").loc["Gone", "required_by"] == "App 1.0.0"
    assert steps(plan) == [(1, "Lib", "1.0.0", 0, "import")]  # what can go in still can


def test_guid_mismatch(tmp_path: Path) -> None:
    available = inventory(
        tmp_path,
        module("App", "1.0.0", RequiredModules=requires(spec("Lib", ModuleVersion="1.0.0", GUID=guid_of("Other")))),
        module("Lib", "1.0.0"),
    )
    reasons = failures(amkit.plan_imports("App", available))
    assert f"GUID={guid_of('Other')}" in reasons["Lib"]


def test_cycles_are_reported_not_looped_on(tmp_path: Path) -> None:
    available = inventory(
        tmp_path,
        module("Ping", "1.0.0", RequiredModules=requires("'Pong'")),
        module("Pong", "1.0.0", RequiredModules=requires("'Ping'")),
        module("User", "1.0.0", RequiredModules=requires("'Ping'", "'Lib'")),
        module("Lib", "1.0.0"),
    )
    plan = amkit.plan_imports("User", available)
    assert plan.cycles == [["Ping", "Pong"]]
    assert failures(plan) == {
        "Ping": "dependency cycle Ping -> Pong -> Ping",
        "Pong": "dependency cycle Ping -> Pong -> Ping",
        "User": "it needs Ping, which cannot be imported",
    }
    assert steps(plan) == [(1, "Lib", "1.0.0", 0, "import")]


def test_a_module_requiring_itself(tmp_path: Path) -> None:
    available = inventory(tmp_path, module("Self", "1.0.0", RequiredModules=requires("'Self'")))
    plan = amkit.plan_imports("Self", available)
    assert plan.cycles == [["Self"]]
    assert failures(plan) == {"Self": "dependency cycle Self -> Self"}


def test_what_the_account_holds_is_skipped(tmp_path: Path) -> None:
    available = inventory(
        tmp_path,
        module("Az.Accounts", "2.12.1"),
        module("Az.Storage", "5.0.0", RequiredModules=requires(spec("Az.Accounts", ModuleVersion="2.7.0"))),
        module("Az.Compute", "6.0.0", RequiredModules=requires(spec("Az.Accounts", ModuleVersion="2.12.0"))),
    )
    account = Account({"Az.Accounts": ["2.7.0"], "Az.Storage": ["4.0.0"]})
    plan = amkit.plan_imports(["Az.Storage"], available, account=account)
    assert steps(plan) == [(None, "Az.Storage", "4.0.0", None, "skip")]  # any version will do: it is there
    plan = amkit.plan_imports(["Az.Storage==5.0.0"], available, account=account)
    assert steps(plan) == [(None, "Az.Accounts", "2.7.0", None, "skip"), (1, "Az.Storage", "5.0.0", 0, "import")]
    assert repr(plan) == "<ImportPlan 1 to import, 1 already there, 0 unsatisfiable>"
    # A newer Az.Accounts is needed for Az.Compute: the account's 2.7.0 does not do.
    plan = amkit.plan_imports(["Az.Compute"], available, account=account)
    assert steps(plan) == [(1, "Az.Accounts", "2.12.1", 0, "import"), (2, "Az.Compute", "6.0.0", 1, "import")]
    plan = amkit.plan_imports(["Gone"], available, account=account)
    assert failures(plan) == {"Gone": "the account nor the available packages hold it"}


def test_waves_respect_levels_and_the_throttle(tmp_path: Path) -> None:
    leaves = [module(f"Leaf{number:02d}", "1.0.0") for number in range(12)]
    top = module("Top", "1.0.0", RequiredModules=requires(*(f"'Leaf{number:02d}'" for number in range(12))))
    plan = amkit.plan_imports("Top", inventory(tmp_path, *leaves, top))
    waves = plan.waves()
    assert list(waves.columns) == ["wave", "not_before_seconds", "level", "step", "module", "version", "source"]
    assert waves.groupby("wave")["module"].count().tolist() == [5, 5, 2, 1]
    assert waves.groupby("wave")["not_before_seconds"].first().tolist() == [0.0, 30.0, 60.0, 90.0]
    assert waves.groupby("wave")["level"].nunique().max() == 1
    assert waves["module"].iloc[-1] == "Top"
    assert list(waves["step"]) == list(range(1, 14))
    assert plan.waves(limit=12)["wave"].max() == 2
    assert plan.waves(limit=1, per_seconds=10)["not_before_seconds"].iloc[-1] == 120.0


@pytest.mark.parametrize(("limit", "per_seconds"), [(0, 30), (2.5, 30), (True, 30), (5, -1), (5, "30")])
def test_waves_refuse_nonsense(tmp_path: Path, limit: object, per_seconds: object) -> None:
    plan = amkit.plan_imports("Lib", inventory(tmp_path, module("Lib", "1.0.0")))
    with pytest.raises(ValueError, match="must be"):
        plan.waves(limit=limit, per_seconds=per_seconds)  # type: ignore[arg-type]


@pytest.mark.parametrize("target", ["", "==1.0", "Lib==one"])
def test_targets_must_name_a_module_and_a_version(tmp_path: Path, target: str) -> None:
    with pytest.raises(ValueError, match=r"no module|not a version"):
        amkit.plan_imports(target, inventory(tmp_path, module("Lib", "1.0.0")))


def test_targets_as_specifications(tmp_path: Path) -> None:
    available = inventory(tmp_path, *(module("Lib", version) for version in ("1.0.0", "1.5.0", "2.0.0")))
    target = amkit.ModuleSpec.from_value({"ModuleName": "Lib", "ModuleVersion": "1.0.0", "MaximumVersion": "1.9"})
    assert steps(amkit.plan_imports(target, available)) == [(1, "Lib", "1.5.0", 0, "import")]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not beside the checkout ({CORPUS})")
def test_real_azure_stack_manifests_import_az_accounts_first(tmp_path: Path) -> None:
    root = tmp_path / "modules"
    names = []
    for manifest in sorted(CORPUS.glob("Azs.*-1.0.1.psd1")):
        name, version = manifest.stem.rsplit("-", 1)
        names.append(name)
        target = root / name / version / f"{name}.psd1"
        target.parent.mkdir(parents=True)
        shutil.copyfile(manifest, target)
    for name, version in (("Az.Accounts", "2.2.8"), ("Az.Resources", "0.11.0"), ("Az.Resources", "0.12.0")):
        members = module(
            name,
            version,
            versioned=True,
            **(
                {"RequiredModules": requires(spec("Az.Accounts", ModuleVersion="2.2.8"))}
                if name == "Az.Resources"
                else {}
            ),
        )
        write_zip(root / f"{name}-{version}" / f"{name}.zip", members)
    available = amkit.scan(root, progress=False)
    # Azs.Deployment.Admin requires Az.Resources 0.12.0 exactly, the others 0.11.0, and an account holds one
    # version of a module: together they cannot be imported, and the plan says so.
    together = amkit.plan_imports(names, available)
    reasons = failures(together)
    assert "Az.Resources[RequiredVersion=0.12.0] by Azs.Deployment.Admin 1.0.1" in reasons["Az.Resources"]
    assert "Az.Resources[RequiredVersion=0.11.0] by Azs.Compute.Admin 1.0.1" in reasons["Az.Resources"]
    assert reasons["Azs.Compute.Admin"] == "it needs Az.Resources, which cannot be imported"
    assert list(together.steps["module"]) == ["Az.Accounts", "Azs.Backup.Admin", "Azs.Subscriptions.Admin"]
    # Without it, everything goes in, Az.Accounts first.
    plan = amkit.plan_imports([name for name in names if name != "Azs.Deployment.Admin"], available)
    assert plan.complete, plan.unsatisfiable.to_string()
    frame = plan.steps.set_index("module")
    assert plan.steps["module"][0] == "Az.Accounts"
    assert frame.loc["Az.Accounts", "level"] == 0
    assert (frame.loc["Az.Resources", "level"], frame.loc["Az.Resources", "version"]) == (1, "0.11.0")
    assert (
        frame.drop(index=["Az.Accounts", "Az.Resources", "Azs.Backup.Admin", "Azs.Subscriptions.Admin"])["level"] == 2
    ).all()
    assert len(frame) == len(names) - 1 + 2


def test_conflicting_targets_are_unsatisfiable(tmp_path: Path) -> None:
    available = inventory(tmp_path, module("Foo", "1.0.0"), module("Foo", "2.0.0"))
    for targets in (["Foo==1.0.0", "Foo==2.0.0"], ["Foo==2.0.0", "Foo==1.0.0"]):
        plan = amkit.plan_imports(targets, available)
        assert not plan.complete and steps(plan) == []
        assert "Foo[RequiredVersion=1.0.0] by (target)" in failures(plan)["Foo"]


def test_every_requirement_of_one_version_counts(tmp_path: Path) -> None:
    # Bar is needed twice by Foo (RequiredModules and NestedModules): both must hold.
    available = inventory(
        tmp_path,
        module("Foo", "1.0.0", RequiredModules=requires(spec("Bar", ModuleVersion="2.0.0")), NestedModules="@('Bar')"),
        module("Bar", "1.0.0"),
        module("Bar", "2.0.0"),
    )
    plan = amkit.plan_imports("Foo", available, account=Account({"Bar": ["1.0.0"]}))
    assert steps(plan) == [(1, "Bar", "2.0.0", 0, "import"), (2, "Foo", "1.0.0", 1, "import")]


def test_a_lower_version_of_a_dependant_resolves_a_conflict(tmp_path: Path) -> None:
    # A 2.0 needs C==2 but B needs C==1: A 1.0, which needs C==1, makes a plan.
    available = inventory(
        tmp_path,
        module("A", "2.0.0", RequiredModules=requires(spec("C", RequiredVersion="2.0.0"))),
        module("A", "1.0.0", RequiredModules=requires(spec("C", RequiredVersion="1.0.0"))),
        module("B", "1.0.0", RequiredModules=requires(spec("C", RequiredVersion="1.0.0"))),
        module("C", "1.0.0"),
        module("C", "2.0.0"),
    )
    plan = amkit.plan_imports(["A", "B"], available)
    assert plan.complete
    assert {row[1]: row[2] for row in steps(plan)} == {"A": "1.0.0", "B": "1.0.0", "C": "1.0.0"}


def test_a_plan_that_needs_several_versions_changed_is_found(tmp_path: Path) -> None:
    # Every D asks for C 1.0 and A 2.0 for C 2.0 or later: only A 1.0 makes a plan, however many Ds there are.
    # Passing over the highest conflicting version (a D each time) never gets there; the complete search does.
    ds = [
        module("D", f"{major}.0.0", RequiredModules=requires(spec("C", RequiredVersion="1.0.0")))
        for major in range(3, 10)
    ]
    available = inventory(
        tmp_path,
        *ds,
        module("A", "2.0.0", RequiredModules=requires(spec("C", ModuleVersion="2.0.0"))),
        module("A", "1.0.0", RequiredModules=requires("'C'")),
        module("C", "1.0.0"),
        module("C", "2.0.0"),
    )
    plan = amkit.plan_imports(["A", "D"], available)
    assert plan.complete and plan.search == "complete"
    assert {row[1]: row[2] for row in steps(plan)} == {"A": "1.0.0", "C": "1.0.0", "D": "9.0.0"}
    # Without time to search, the quick search's account of the conflict stands, and the plan says it was cut short.
    hurried = amkit.plan_imports(["A", "D"], available, search_seconds=1e-9)
    assert hurried.search == "cut short" and "C" in failures(hurried)
    assert amkit.plan_imports("C", available).search == "narrowing"
    with pytest.raises(ValueError, match="search_seconds"):
        amkit.plan_imports("C", available, search_seconds=0)


def test_an_impossible_plan_is_proven_so(tmp_path: Path) -> None:
    available = inventory(tmp_path, module("Foo", "1.0.0"), module("Foo", "2.0.0"))
    plan = amkit.plan_imports(["Foo==1.0.0", "Foo==2.0.0"], available)
    assert plan.search == "impossible" and not plan.complete
