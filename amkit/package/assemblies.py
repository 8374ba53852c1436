"""The .NET assemblies a module version loads, and the frameworks they were built for.

A module loads assemblies as its root module or nested modules (binary
modules) and through ``RequiredAssemblies``. Each names the framework it was
built for (``[TargetFramework]``, read from metadata without loading it):
one built for .NET Framework only is a Windows PowerShell 5.1 module, which
PowerShell 7, running on .NET, may not load.
"""

from __future__ import annotations

from amkit.errors import AmkitError
from amkit.package.dotnet import (
    DOTNET_FRAMEWORK,
    AssemblyIdentity,
    assembly_identity,
    is_dotnet_assembly,
    target_framework,
)
from amkit.package.module_package import ModuleVersion

__all__ = ["DOTNET_FRAMEWORK", "loaded_assemblies", "shipped_assemblies", "target_frameworks"]

_ASSEMBLY = ".dll"


def loaded_assemblies(version: ModuleVersion) -> list[str]:
    """The package paths of the assemblies ``version`` loads: root module, nested modules, RequiredAssemblies.

    Names are resolved as PowerShell resolves them (:meth:`ModuleVersion.resolve`);
    an assembly named by name only (``System.Web``) is the runtime's, not the package's.
    """
    manifest = version.manifest
    if manifest is None:
        root = version.root_module_path
        return [root] if root is not None and root.casefold().endswith(_ASSEMBLY) else []
    named = [
        *([manifest.root_module] if manifest.root_module else []),
        *(spec.path or spec.name for spec in manifest.nested_modules),
        *manifest.required_assemblies,
    ]
    found: list[str] = []
    for name in named:
        path = version.resolve(name)
        if path is not None and path.casefold().endswith(_ASSEMBLY) and path not in found:
            found.append(path)
    return found


def target_frameworks(version: ModuleVersion) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The distinct frameworks ``version``'s assemblies were built for, and what could not be read.

    Returns
    -------
    (frameworks, problems)
        ``frameworks`` as ``[TargetFramework]`` names them, in the order of
        the assemblies (one without the attribute adds nothing); ``problems``
        say which assembly could not be read and why.
    """
    frameworks: list[str] = []
    problems: list[str] = []
    for path in loaded_assemblies(version):
        try:
            framework = target_framework(version.package.read(path), file=version.package.member_name(path))
        except AmkitError as error:
            problems.append(f"{path}: {error}")
            continue
        if framework and framework not in frameworks:
            frameworks.append(framework)
    return tuple(frameworks), tuple(problems)


def shipped_assemblies(version: ModuleVersion) -> tuple[tuple[tuple[str, AssemblyIdentity], ...], tuple[str, ...]]:
    """Every .NET assembly ``version`` ships (package path, identity), and what could not be read.

    Native DLLs are not .NET assemblies and are not listed; a damaged one is
    a problem (``path: why``), never skipped without a word.
    """
    found: list[tuple[str, AssemblyIdentity]] = []
    problems: list[str] = []
    for path in version.files["path"]:
        if not str(path).casefold().endswith(_ASSEMBLY):
            continue
        try:
            data = version.package.read(path)
            identity = (
                assembly_identity(data, file=version.package.member_name(path)) if is_dotnet_assembly(data) else None
            )
        except AmkitError as error:
            problems.append(f"{path}: {error}")
            continue
        if identity is not None:
            found.append((str(path), identity))
    return tuple(found), tuple(problems)
