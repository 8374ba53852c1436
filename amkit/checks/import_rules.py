"""Import blockers: what Azure Automation refuses, or fails on, when a package is imported.

Each function is one rule; its decorator holds the catalogue entry. Messages
say what is wrong and where; ``help`` says how to fix it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from amkit.checks.context import CheckContext, runtime_excludes
from amkit.checks.registry import Hit, hit_at_key, rule
from amkit.defaults import module_family
from amkit.deps.assemblies import assembly_conflicts
from amkit.deps.inventory import Inventory, held_records, records_of
from amkit.errors import ConnectionTypeError, LayoutError, PackageError
from amkit.package.manifest import Manifest
from amkit.package.module_package import ModuleVersion
from amkit.powershell.version import PSVersion

__all__: list[str] = []

MODULES_DOC = "https://learn.microsoft.com/en-us/azure/automation/shared-resources/modules"
TROUBLESHOOT_DOC = "https://learn.microsoft.com/en-us/azure/automation/troubleshoot/shared-resources"
LIMITS_DOC = (
    "https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/azure-subscription-service-limits"
)
INTEGRATION_DOC = "https://learn.microsoft.com/en-us/azure/automation/automation-integration-modules"
MANIFEST_DOC = (
    "https://learn.microsoft.com/en-us/powershell/scripting/developer/module/how-to-write-a-powershell-module-manifest"
)

#: Automation refuses a module file path of this many characters or more.
MAX_PATH_LENGTH = 140
#: Automation refuses a package larger than this (100 MB).
MAX_PACKAGE_SIZE = 104_857_600
_MANIFEST_FILE_KEYS = ("ScriptsToProcess", "TypesToProcess", "FormatsToProcess", "FileList")


@rule(
    "AM100",
    "error",
    "The package or a file in it cannot be read",
    rationale="Automation cannot import what it cannot open; a rule that cannot read its input says so here.",
    help="Rebuild the package as a plain zip (no encryption, no links, no paths leaving the folder) with `amkit pack`.",
    source="Azure Automation: Manage modules",
    help_uri=MODULES_DOC,
)
def unreadable(context: CheckContext) -> Iterator[Hit]:
    """The package could not be opened for a reason other than its layout, or a manifest's bytes cannot be read."""
    error = context.error
    if error is not None and not isinstance(error, LayoutError):
        yield Hit(error.message, None, context.member(error.file), error.line, error.column)
    for version in context.versions:
        # A damaged or oversized member is a package problem; AM105 covers manifests that read but do not parse.
        if isinstance(version.error, PackageError):
            yield Hit(version.error.message, str(version.version), version.manifest_path)


@rule(
    "AM101",
    "error",
    "The zip's file name differs from the module folder",
    rationale="Automation names the module after the zip and looks for a folder of that name inside it.",
    help="Rename the zip to <ModuleFolder>.zip (same spelling and case), or rename the folder.",
    source="Azure Automation: Manage modules",
    help_uri=MODULES_DOC,
)
def zip_name(context: CheckContext) -> Iterator[Hit]:
    """The zip is ``<Name>.zip`` for its ``<Name>/`` folder."""
    package = context.package
    if package is None or package.kind != "zip":
        return
    stem = package.location.name.rsplit(".", 1)[0]
    if stem != package.name:
        case_only = " (only the case differs)" if stem.casefold() == package.name.casefold() else ""
        yield Hit(f"the zip is named {package.location.name} but its module folder is {package.name}/{case_only}")


@rule(
    "AM102",
    "error",
    "A module folder holds no <Name>.psd1, .psm1 or .dll",
    rationale="PowerShell loads a module from <Name>.psd1, <Name>.psm1 or <Name>.dll in its (version) folder; "
    "without one the import fails with 'the module structure was invalid'.",
    help="Put <Name>.psd1 (or the .psm1/.dll) named like the module folder directly in it, or in each version folder.",
    source="Azure Automation: Troubleshoot shared resources",
    help_uri=TROUBLESHOOT_DOC,
)
def module_files(context: CheckContext) -> Iterator[Hit]:
    """Every module and version folder has a file PowerShell loads the module from."""
    error = context.error
    if isinstance(error, LayoutError) and error.reason == "no-module":
        yield Hit(error.message, None, context.member(error.file))
    package = context.package
    if package is None:
        return
    for problem in package.problems:
        if problem.kind == "not-a-version-folder":
            yield Hit(problem.message, None, problem.paths[0] if problem.paths else None)
    for version in package.versions:
        if version.manifest_path is None and version.root_module_path is None:
            yield Hit(
                f"{version.folder or 'the module folder'} holds no {package.name}.psd1, .psm1 or .dll",
                str(version.version),
                version.folder or None,
            )


@rule(
    "AM103",
    "error",
    "A file path is 140 characters or longer",
    rationale="Automation refuses modules with file paths of 140 characters or more.",
    help="Shorten folder and file names inside the module so every path stays under 140 characters.",
    source="Azure Automation: Manage modules",
    help_uri=MODULES_DOC,
)
def path_length(context: CheckContext) -> Iterator[Hit]:
    """No path, as imported (``<Name>/...``), is 140 characters or longer."""
    package = context.package
    if package is None:
        return
    files = package.files
    for row in files[files["path_length"] >= MAX_PATH_LENGTH].itertuples(index=False):
        message = f"the path is {row.path_length} characters long (the limit is under {MAX_PATH_LENGTH})"
        yield Hit(message, row.version if isinstance(row.version, str) else None, str(row.path))


@rule(
    "AM104",
    "error",
    "The package is larger than 100 MB",
    rationale="Automation refuses module packages over 100 MB ('Module data blob size is not supported').",
    help="Remove what runbooks do not need (tests, docs, other platforms' binaries) or split the module.",
    source="Azure subscription and service limits: Automation",
    help_uri=LIMITS_DOC,
)
def package_size(context: CheckContext) -> Iterator[Hit]:
    """The zip (or, for a folder, its content) stays within 100 MB."""
    package = context.package
    if package is None:
        return
    size = package.compressed_size
    if size > MAX_PACKAGE_SIZE:
        what = "the files of the folder add up to" if package.kind == "folder" else "the package is"
        yield Hit(f"{what} {size:,} bytes; the limit is {MAX_PACKAGE_SIZE:,} bytes (100 MB)")


@rule(
    "AM105",
    "error",
    "A manifest cannot be read as a data file",
    rationale="Automation loads the manifest as PowerShell does, in restricted language mode: constants, "
    "$PSScriptRoot, $PSEdition, environment variables, Join-Path and if statements, and nothing else; anything "
    "more, or a syntax error, fails the import.",
    help="Keep the .psd1 to constants: strings, numbers, $true/$false/$null, @() arrays and @{} hashtables "
    "(an if on $PSEdition to choose a file per edition).",
    source="PowerShell: How to write a module manifest",
    help_uri=MANIFEST_DOC,
)
def manifest_readable(context: CheckContext) -> Iterator[Hit]:
    """Each version's manifest reads as a data file."""
    for version in context.versions:
        error = version.error
        if error is not None and not isinstance(error, PackageError):
            yield Hit(error.message, str(version.version), version.manifest_path, error.line, error.column)


@rule(
    "AM106",
    "error",
    "A version folder's name differs from its manifest's ModuleVersion",
    rationale="PowerShell only loads a module from a version folder whose name equals the manifest's ModuleVersion.",
    help="Make the folder name and ModuleVersion the same version (1.0 and 1.0.0 are different versions).",
    source="PowerShell: How to write a module manifest",
    help_uri=MANIFEST_DOC,
)
def version_folder(context: CheckContext) -> Iterator[Hit]:
    """Version folders agree with their manifests, and every ModuleVersion is a version."""
    for version, manifest in context.manifests():
        declared = manifest.module_version
        if declared is None or PSVersion.parse(declared) is None:
            shown = "no ModuleVersion" if declared is None else f"ModuleVersion {declared!r}, which is not a version"
            yield hit_at_key(f"the manifest has {shown}", version, manifest, "ModuleVersion")
        elif version.version_mismatch:
            yield hit_at_key(
                f"the folder is {version.folder_version} but the manifest says ModuleVersion = '{declared}'",
                version,
                manifest,
                "ModuleVersion",
            )


def _named_files(manifest: Manifest) -> Iterator[tuple[str, str, str, str | None]]:
    """(key, path to look up, entry as written, how to look it up) for every file the manifest names.

    ``how`` is ``module`` for a module PowerShell looks up as a module file
    (extensions tried, ``Name/Name.psm1``), ``file`` for a plain file of the
    module folder, ``None`` for a name PowerShell resolves outside the package
    or computes where amkit cannot follow (``Join-Path $env:X 'a.dll'``).
    """
    key = manifest.root_module_key or "RootModule"
    if manifest.root_module:
        yield key, manifest.root_module, manifest.root_module, None if manifest.computed_files(key) else "module"
    for spec in manifest.nested_modules:
        # A bare name (no path, no module extension) may be a module PowerShell finds elsewhere.
        yield "NestedModules", spec.path or spec.name, spec.written, "module" if spec.path is not None else None
    computed = set(manifest.computed_files("RequiredAssemblies"))
    for assembly in manifest.required_assemblies:
        # 'System.Web' is an assembly name the runtime resolves; only a .dll/.exe is a file of the package.
        how = "file" if assembly.casefold().endswith((".dll", ".exe")) and assembly not in computed else None
        yield "RequiredAssemblies", assembly, assembly, how
    for key in _MANIFEST_FILE_KEYS:
        computed = set(manifest.computed_files(key))
        for name in manifest._strings(key):
            yield key, name, name, None if name in computed else "file"


def _find_file(version: ModuleVersion, name: str) -> str | None:
    """The package path of the plain file ``name`` (relative to the version folder), ignoring case; else ``None``.

    Unlike a module, a types file or a FileList entry gets no extension added.
    """
    cleaned = name.replace("\\", "/").strip()
    if not cleaned or cleaned.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(version.folder, cleaned) if version.folder else cleaned)
    if joined.split("/", 1)[0] == "..":
        return None
    return version.package.find(joined)


@rule(
    "AM107",
    "error",
    "A file the manifest names is missing",
    rationale="PowerShell fails to load a module whose RootModule, NestedModules, RequiredAssemblies, "
    "ScriptsToProcess, TypesToProcess, FormatsToProcess or FileList names a file that is not there.",
    help="Add the file to the package, or correct (or remove) the manifest entry.",
    source="PowerShell: How to write a module manifest",
    help_uri=MANIFEST_DOC,
)
def named_files(context: CheckContext) -> Iterator[Hit]:
    """Every file the manifest names exists in the version folder."""
    for version, manifest in context.manifests():
        for key, path, written, how in _named_files(manifest):
            found = version.resolve(path) if how == "module" else _find_file(version, path) if how == "file" else True
            if found is None:
                yield hit_at_key(f"{key} names {written!r}, which is not in the package", version, manifest, key)


@rule(
    "AM108",
    "error",
    "The connection type file is malformed",
    rationale="Automation creates the connection type from <Module>-Automation.json at import; "
    "a malformed file fails it.",
    help="Give ConnectionFields (each with Name, TypeName, boolean IsEncrypted/IsOptional, unique names), "
    "ConnectionTypeName, and IntegrationModuleName equal to the module name.",
    source="Azure Automation: Create an integration module",
    help_uri=INTEGRATION_DOC,
)
def connection_type(context: CheckContext) -> Iterator[Hit]:
    """Each version's ``<Name>-Automation.json`` is valid."""
    for version in context.versions:
        try:
            version.connection_type  # noqa: B018 - reading it is the check
        except ConnectionTypeError as error:
            # A member that cannot be read at all (damaged, over a limit) is not malformed: AM100 reports it.
            yield Hit(error.message, str(version.version), context.member(error.file), error.line, error.column)


@rule(
    "AM109",
    "error",
    "The package layout is ambiguous",
    rationale="Automation expects exactly one module folder, nothing beside it, and either version folders or "
    "module files in it, not both.",
    help="Zip only the module folder (`amkit pack MODULE_DIR`), and keep either version folders or loose files.",
    source="Azure Automation: Manage modules",
    help_uri=MODULES_DOC,
)
def layout(context: CheckContext) -> Iterator[Hit]:
    """One top-level folder, nothing beside it, no mixed layout."""
    error = context.error
    if isinstance(error, LayoutError) and error.reason in ("no-folder", "several-folders"):
        yield Hit(error.message, None, None)
    package = context.package
    for problem in package.problems if package is not None else ():
        if problem.kind in ("files-beside", "mixed"):
            for path in problem.paths:
                yield Hit(problem.message, None, path)


@rule(
    "AM110",
    "error",
    "RequiredModules mixes Az and AzureRM modules",
    rationale="Az and AzureRM cannot be loaded in one session; runbooks using both crash the sandbox.",
    help="Depend on Az modules only (AzureRM is retired), and migrate AzureRM cmdlets to their Az equivalents.",
    source="Azure Automation: Manage modules",
    help_uri=MODULES_DOC,
)
def az_and_azurerm(context: CheckContext) -> Iterator[Hit]:
    """No version depends on both Az.* and AzureRM.* modules."""
    for version, manifest in context.manifests():
        families: dict[str, list[str]] = {}
        for spec in manifest.required_modules:
            family = module_family(spec.name)
            if family:
                families.setdefault(family, []).append(spec.name)
        if len(families) == 2:
            yield hit_at_key(
                f"RequiredModules holds Az ({', '.join(families['Az'])}) "
                f"and AzureRM ({', '.join(families['AzureRM'])})",
                version,
                manifest,
                "RequiredModules",
            )


@rule(
    "AM111",
    "error",
    "A required module is not in the account at a satisfying version",
    rationale="Automation refuses an import until every RequiredModules entry is present "
    "('All dependencies must be present before this module can be imported').",
    help="Import the dependency first (amkit's import plan orders them), at a version the manifest accepts.",
    source="Azure Automation: Troubleshoot shared resources",
    help_uri=TROUBLESHOOT_DOC,
    needs="account",
)
def dependencies_present(context: CheckContext) -> Iterator[Hit]:
    """Each RequiredModules entry is satisfied by a version (and GUID, where known) the account holds."""
    for version, manifest in context.manifests():
        for spec in manifest.required_modules:
            held_versions = held_records(context.account, spec.name)
            if not any(spec.accepts(item.version, item.guid) for item in held_versions if item.version is not None):
                available = [str(item.version) for item in held_versions]
                held = f"it holds {', '.join(available)}" if available else "it does not hold it"
                yield hit_at_key(
                    f"requires {spec.written} but the account cannot satisfy it: {held}",
                    version,
                    manifest,
                    "RequiredModules",
                )


@rule(
    "AM112",
    "error",
    "The manifest excludes the target runtime",
    rationale="A module whose PowerShellVersion is above the runtime's (every component counts: 7.2.1 is above "
    "7.2.0), or whose CompatiblePSEditions leaves out the runtime's edition (5.1 is Desktop, 7.x is Core), does not "
    "load there. Automation does not document the patch level its workers run, so a runtime named by its line "
    "(7.2) is taken as that line's first release (7.2.0); name it exactly (7.2.5) when you know it.",
    help="Import the module into a runtime environment it supports, or widen PowerShellVersion/CompatiblePSEditions.",
    source="PowerShell: How to write a module manifest",
    help_uri=MANIFEST_DOC,
    needs="runtime",
)
def runtime(context: CheckContext) -> Iterator[Hit]:
    """PowerShellVersion and CompatiblePSEditions admit the runtime."""
    for version, manifest in context.manifests():
        reasons = runtime_excludes(manifest.powershell_version, manifest.compatible_ps_editions, str(context.runtime))
        for key, message in reasons:
            yield hit_at_key(message, version, manifest, key)


@rule(
    "AM113",
    "warning",
    "An assembly of the package is in the account at another version",
    rationale="A runbook job loads its modules into one process: in Windows PowerShell 5.1 (one AppDomain) and, "
    "unless a module isolates its dependencies, in PowerShell 7, the version of an assembly loaded first wins, and "
    "a module built against another fails at run time though it imported (amkit.assembly_conflicts).",
    help="Use module versions built against the same version of the assembly, or keep the modules in separate "
    "runtime environments (runbooks that need both run as separate jobs).",
    source="Troubleshoot shared resources in Azure Automation",
    help_uri=TROUBLESHOOT_DOC,
    needs="account",
)
def assembly_versions(context: CheckContext) -> Iterator[Hit]:
    """No assembly the package ships is shipped by another module of the account at another version."""
    held = getattr(context.account, "inventory", None)
    if context.package is None or held is None:
        return
    others = [record for record in held().records if record.name.casefold() != context.package.name.casefold()]
    ours = records_of(context.package)
    table = assembly_conflicts(Inventory([*others, *ours]))
    for assembly, brought in table[["assembly", "modules"]].itertuples(index=False):
        for record in ours:
            for path, name, version, *_ in record.assemblies:
                if name.casefold() == str(assembly).casefold():
                    theirs = "; ".join(
                        item for item in str(brought).split("; ") if not item.startswith(record.name + " ")
                    )
                    message = f"{name} {version} is also in the account at another version ({theirs})"
                    yield Hit(message, str(record.version), path)
