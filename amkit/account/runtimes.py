"""What a runtime environment is, and what each language and version offers, from Automation's documentation.

A runtime environment (REST API 2024-10-23) is a language, a version,
*default packages* (``{"Az": "12.3.0", "Azure CLI": "2.64.0"}``) and the
packages imported into it alone. Accounts that never switched keep one
module list per runtime, which the service shows as *system-generated*
environments (``PowerShell-5.1`` ...). The facts, their sources and where the
documentation is silent are in ``docs/runtime-environments.md``; each rule
lives here once:

- :func:`environment_name_problem`: the names Automation takes;
- :func:`check_language_version`: the languages and versions it offers;
- :func:`chosen_default_packages`: which default packages an environment
  gets, and which versions amkit can model;
- :func:`default_modules`: the default (global) module rows an environment holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from amkit.defaults import (
    AZ_RELEASES,
    DEFAULT_MODULES,
    INTERNAL_MODULE,
    POWERSHELL7_MODULE_VERSIONS,
)

__all__ = [
    "DEFAULT_PACKAGE_CHOICES",
    "LANGUAGES",
    "SYSTEM_ENVIRONMENTS",
    "RuntimeEnvironment",
    "check_language_version",
    "chosen_default_packages",
    "default_modules",
    "environment_name_problem",
    "system_default_packages",
    "system_environment_name",
]

#: The languages of a runtime environment, as the REST API and ``New-AzAutomationRuntimeEnvironment`` spell them.
LANGUAGES = ("PowerShell", "Python")
#: The versions a new environment can have (``New-AzAutomationRuntimeEnvironment``: "For PowerShell: '7.4',
#: '7.2', '5.1'. For Python: '3.10', '3.8'"); 7.1 and 2.7 exist only as system-generated environments.
_CREATABLE = {"PowerShell": ("5.1", "7.2", "7.4"), "Python": ("3.8", "3.10")}
#: The six system-generated environments ("runtime-environment-overview"); none exists for PowerShell 7.4+.
SYSTEM_ENVIRONMENTS: tuple[tuple[str, str], ...] = (
    ("PowerShell", "5.1"),
    ("PowerShell", "7.1"),
    ("PowerShell", "7.2"),
    ("Python", "2.7"),
    ("Python", "3.8"),
    ("Python", "3.10"),
)
#: The default package versions the documentation shows for each PowerShell version, and whose Az modules
#: amkit knows (:data:`amkit.defaults.AZ_RELEASES`); the first is taken when none is asked for. The
#: documentation publishes no complete list (see docs/runtime-environments.md).
DEFAULT_PACKAGE_CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "5.1": {"Az": ("8.0.0", "12.3.0")},
    "7.2": {"Az": ("8.0.0",), "Azure CLI": ("2.56.0",)},
    "7.4": {"Az": ("12.3.0",), "Azure CLI": ("2.64.0",)},
}
#: The default packages of the system-generated environments: the Az modules Automation gives the old
#: experience (the Az release amkit models for it) and, for 7.2, the Azure CLI.
_SYSTEM_PACKAGES = {"5.1": {"Az": "8.0.0"}, "7.1": {"Az": "8.0.0"}, "7.2": {"Az": "8.0.0", "Azure CLI": "2.56.0"}}
# The REST API's pattern for an environment name, with the dot its own names and examples use (PowerShell-7.4).
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_NAME_LIMIT = 128


@dataclass(frozen=True)
class RuntimeEnvironment:
    """One runtime environment of an account: language, version, default packages, and whether the service made it."""

    name: str
    language: str
    version: str
    default_packages: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    system_generated: bool = False

    @property
    def key(self) -> str:
        """The name as the account file keys it (names ignore case)."""
        return self.name.casefold()

    @property
    def is_powershell(self) -> bool:
        """Whether runbooks of this environment are PowerShell (module packages import into it)."""
        return self.language == "PowerShell"

    @property
    def label(self) -> str:
        """``PowerShell 7.4``."""
        return f"{self.language} {self.version}"


def system_environment_name(language: str, version: str) -> str:
    """The name Automation gives the system-generated environment of a language and version: ``PowerShell-5.1``."""
    return f"{language}-{version}"


def environment_name_problem(name: object) -> str | None:
    """What is wrong with ``name`` as a runtime environment's name, or ``None``.

    A name starts with a letter and holds letters, digits, ``-``, ``_`` and
    ``.`` (the API's pattern, plus the dot its own names use).
    """
    if not isinstance(name, str) or not name:
        return "a runtime environment needs a name"
    if len(name) > _NAME_LIMIT:
        return f"a runtime environment's name has at most {_NAME_LIMIT} characters"
    if not _NAME.fullmatch(name):
        return (
            f"{name!r} is not a runtime environment name: it starts with a letter and holds only letters, "
            "digits, '-', '_' and '.'"
        )
    return None


def check_language_version(language: str, version: str) -> str:
    """``language`` spelt as Automation spells it, once ``language`` and ``version`` are a pair it offers.

    Raises
    ------
    ValueError
        For a language or version Automation does not offer for new environments.
    """
    spelt = next((known for known in LANGUAGES if known.casefold() == str(language).casefold()), None)
    if spelt is None:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    if version not in _CREATABLE[spelt]:
        raise ValueError(
            f"Automation offers {spelt} {', '.join(_CREATABLE[spelt])} for new runtime environments, not {version!r}"
        )
    return spelt


def chosen_default_packages(
    language: str, version: str, asked: Mapping[str, str] | None, current: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The default packages an environment gets: ``asked`` over ``current`` (or the version's documented ones).

    Package names ignore case and keep the spelling Automation uses (``Az``,
    ``Azure CLI``). Python environments have none.

    Raises
    ------
    ValueError
        For a package or package version the environment's version does not
        offer (see :data:`DEFAULT_PACKAGE_CHOICES`), or a package asked to be removed.
    TypeError
        When ``asked`` is not a mapping.
    """
    if asked is not None and not isinstance(asked, Mapping):
        raise TypeError(f"default packages are a mapping of package to version ({{'Az': '12.3.0'}}), not {asked!r}")
    offered = DEFAULT_PACKAGE_CHOICES.get(version, {}) if language == "PowerShell" else {}
    if current is None:
        chosen = {package: versions[0] for package, versions in offered.items()}
    else:
        chosen = dict(current)
    for package, wanted in (asked or {}).items():
        spelt = next((known for known in offered if known.casefold() == str(package).casefold()), None)
        if spelt is None:
            choices = ", ".join(offered) or "none"
            raise ValueError(f"{language} {version} offers no default package {package!r} (it offers: {choices})")
        if wanted is None:
            raise ValueError(
                f"default package {spelt} cannot be removed: the documentation shows no way to remove one "
                "(create another environment without it)"
            )
        if str(wanted) not in offered[spelt]:
            known = " (amkit models the modules of those Az releases only)" if spelt == "Az" else ""
            raise ValueError(
                f"{language} {version} offers {spelt} {', '.join(offered[spelt])}{known}, not {spelt} {wanted}"
            )
        chosen[spelt] = str(wanted)
    return chosen


def system_default_packages(language: str, version: str) -> dict[str, str]:
    """The default packages of the system-generated environment of ``language`` ``version``."""
    return dict(_SYSTEM_PACKAGES.get(version, {})) if language == "PowerShell" else {}


def default_modules(environment: RuntimeEnvironment) -> tuple[tuple[str, str | None], ...]:
    """The default (global) modules ``environment`` holds, each with the version its module list shows.

    PowerShell 5.1's system-generated environment is the old 5.1 Modules list:
    the documented default modules and the Az modules. Every other PowerShell
    environment holds the modules of its Az default package, PowerShell's
    own modules at the engine's versions, and Automation's internal cmdlets,
    which work in 7.x cloud jobs. Python environments hold no modules.
    """
    if not environment.is_powershell:
        return ()
    az = environment.default_packages.get("Az")
    az_modules = AZ_RELEASES.get(az, ()) if az is not None else ()
    if environment.version == "5.1" and environment.system_generated:
        return (*DEFAULT_MODULES, *az_modules)
    if environment.version == "5.1":
        engine = tuple((name, version) for name, version in DEFAULT_MODULES if name.startswith("Microsoft."))
        return (*engine, (INTERNAL_MODULE, "1"), *az_modules)
    return (*POWERSHELL7_MODULE_VERSIONS.items(), (INTERNAL_MODULE, "1"), *az_modules)
