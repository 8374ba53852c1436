"""The runbook rules (AM3xx): what breaks a runbook at run time though its modules imported fine.

Each rule reads a :class:`~amkit.checks.runbook_context.RunbookContext`: the
runbook's calls, module imports, ``Import-DscResource`` statements and the
tokens that mention AzureRm, against the modules of the environment it runs in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from amkit.checks.context import runtime_excludes
from amkit.checks.registry import Hit, rule
from amkit.defaults import ASSET_CMDLETS, command_family, module_family
from amkit.powershell.version import PSVersion

if TYPE_CHECKING:
    from amkit.checks.runbook_context import RunbookContext

__all__: list[str] = []

MODULES_DOC = "https://learn.microsoft.com/en-us/azure/automation/shared-resources/modules"
MIGRATE_DOC = "https://learn.microsoft.com/en-us/azure/automation/automation-update-azure-modules"
EXECUTION_DOC = "https://learn.microsoft.com/en-us/azure/automation/automation-runbook-execution"
DSC_DOC = "https://learn.microsoft.com/en-us/azure/automation/automation-dsc-compile"


def _families(context: RunbookContext) -> dict[str, tuple[int, int, str]]:
    """Family -> where the runbook first uses it (line, column, what): by a command, or by importing a module."""
    found: dict[str, tuple[int, int, str]] = {}
    uses = [(call.line, call.column, call.name, command_family(call.name)) for call in context.scan.calls]
    uses += [
        (reference.line, reference.column, f"{reference.name} ({reference.kind})", module_family(reference.name))
        for reference in context.script.module_references
        if reference.name is not None
    ]
    for line, column, what, family in sorted(uses, key=lambda use: (use[0], use[1])):
        if family is not None:
            found.setdefault(family, (line, column, what))
    return found


@rule(
    "AM301",
    "error",
    "A runbook that uses Az mentions AzureRm",
    rationale="Automation's sandbox loads the AzureRM modules for the word AzureRm anywhere in a runbook, a comment "
    "or a string included; loaded beside Az, they crash the sandbox. Enable-AzureRmAlias is such a mention too: it "
    "makes the AzureRM names aliases of Az cmdlets, which Automation tells runbooks not to rely on.",
    help="Remove every AzureRm mention (rename the AzureRM cmdlets to their Az names, reword comments and strings).",
    source="Manage modules in Azure Automation: Migrate to Az modules",
    help_uri=MIGRATE_DOC,
    target="runbook",
)
def azurerm_mentioned(context: RunbookContext) -> Iterator[Hit]:
    """Every token mentioning AzureRm, in a runbook that uses Az."""
    uses_az = _families(context).get("Az")
    if uses_az is None:
        return
    for mention in context.scan.mentions:
        if mention.text.casefold().rpartition("\\")[2] == "enable-azurermalias":
            message = (
                "Enable-AzureRmAlias makes AzureRM names aliases of Az cmdlets, and its name is an AzureRm "
                f"mention itself, in a runbook that uses Az ({uses_az[2]}, line {uses_az[0]})"
            )
        else:
            message = (
                f"{mention.described} mentions AzureRm in a runbook that uses Az "
                f"({uses_az[2]}, line {uses_az[0]}): the sandbox loads AzureRM for the word alone"
            )
        yield Hit(message, None, context.file, mention.line, mention.column)


@rule(
    "AM302",
    "error",
    "A runbook uses both AzureRM and Az",
    rationale="AzureRM and Az cannot share a PowerShell session: a runbook that loads both fails, and Automation no "
    "longer runs AzureRM runbooks at all.",
    help="Move the runbook to Az (amkit.migration_plan lists the Az names), then remove the AzureRM calls.",
    source="Manage modules in Azure Automation",
    help_uri=MODULES_DOC,
    target="runbook",
)
def both_families(context: RunbookContext) -> Iterator[Hit]:
    """The first AzureRM use of a runbook that also uses Az."""
    families = _families(context)
    if "Az" in families and "AzureRM" in families:
        line, column, what = families["AzureRM"]
        az = families["Az"]
        message = f"{what} is AzureRM, and the runbook uses Az too ({az[2]}, line {az[0]})"
        yield Hit(message, None, context.file, line, column)


@rule(
    "AM303",
    "warning",
    "Import-Module without -RequiredVersion of a module held in several versions",
    rationale="Jobs share sandboxes: a runbook that imports a module without its version gets whichever version "
    "PowerShell picks, or the one another job loaded before it. Automation tells runbooks to pin the version when "
    "several are imported side by side.",
    help="Add -RequiredVersion with the version the runbook was written for.",
    source="Manage modules in Azure Automation: Import modules side by side",
    help_uri=MODULES_DOC,
    target="runbook",
)
def unpinned_import(context: RunbookContext) -> Iterator[Hit]:
    """``Import-Module X`` with no ``-RequiredVersion`` where the environment holds X at several versions."""
    for reference in context.script.module_references:
        if reference.kind != "import-module" or reference.name is None or reference.required_version is not None:
            continue
        held = [str(record.version) for record in context.inventory.versions(reference.name)]
        if len(held) > 1:
            message = (
                f"Import-Module {reference.name} names no -RequiredVersion, and {context.environment} holds "
                f"{', '.join(held)}: the job may load any of them"
            )
            yield Hit(message, None, context.file, reference.line, reference.column)


@rule(
    "AM304",
    "error",
    "Import-DscResource asks for a module version the account does not have",
    rationale="A configuration compiles only when every module its Import-DscResource names is in the account at "
    "the version it asks for (-ModuleVersion, or ModuleVersion in a module specification).",
    help="Import that version of the module into the account, or change -ModuleVersion to one it holds.",
    source="Compile DSC configurations in Azure Automation State Configuration",
    help_uri=DSC_DOC,
    target="runbook",
)
def dsc_version(context: RunbookContext) -> Iterator[Hit]:
    """Every ``Import-DscResource`` module missing from the environment, or not at the version asked for."""
    for item in context.scan.dsc_imports:
        held = [record.version for record in context.inventory.versions(item.module) if record.version is not None]
        wanted = PSVersion.parse(item.version) if item.version else None
        if not held:
            message = f"Import-DscResource names {item.module}, which {context.environment} does not hold"
        elif wanted is not None and wanted not in held:
            listed = ", ".join(str(version) for version in held)
            message = f"Import-DscResource asks for {item.module} {item.version}; {context.environment} holds {listed}"
        else:
            continue
        yield Hit(message, None, context.file, item.line, item.column)


@rule(
    "AM305",
    "warning",
    "An Az cmdlet reads an Automation asset that an internal cmdlet reads",
    rationale="Inside a runbook the internal cmdlets (Get-AutomationVariable and six others) read the account's "
    "assets without signing in to Azure and return encrypted values decrypted; the Az cmdlets need a connection, "
    "cost an Azure call each, and do not return encrypted values.",
    help="Use the internal cmdlet the message names.",
    source="Manage modules in Azure Automation: Internal cmdlets",
    help_uri=MODULES_DOC,
    target="runbook",
)
def asset_cmdlets(context: RunbookContext) -> Iterator[Hit]:
    """Every call of an Az (or AzureRM) asset cmdlet with an internal counterpart."""
    for call in context.scan.calls:
        internal = ASSET_CMDLETS.get(call.name.rpartition("\\")[2].casefold())
        if internal is not None:
            message = f"{call.name} reads or changes an Automation asset: inside a runbook, {internal} does it"
            yield Hit(message, None, context.file, call.line, call.column)


@rule(
    "AM307",
    "error",
    "A module the runbook needs does not run on its runtime",
    rationale="A module whose PowerShellVersion is above the runtime's, whose CompatiblePSEditions leaves out its "
    "edition, or whose assemblies were built for the other .NET fails when the runbook loads it, though it imported.",
    help="Run the runbook in an environment of a runtime the module supports, or use a build of the module for it.",
    source="Runtime environment in Azure Automation",
    help_uri=EXECUTION_DOC,
    needs="runtime",
    target="runbook",
)
def module_runtime(context: RunbookContext) -> Iterator[Hit]:
    """Every module the runbook would load whose manifest or assemblies exclude the environment's runtime."""
    needs = context.requirements.dropna(subset=["module", "version"])
    for module, version in needs[["module", "version"]].itertuples(index=False):
        record = context.loaded(str(module), str(version))
        if record is None or context.runtime is None:
            continue
        reasons = runtime_excludes(record.powershell_version, record.editions, context.runtime, record.frameworks)
        if reasons:
            where = next(
                (
                    ref
                    for ref in context.script.module_references
                    if (ref.name or "").casefold() == str(module).casefold()
                ),
                None,
            )
            call = context.first_call({command.casefold() for command in record.commands})
            line, column = (where.line, where.column) if where else (call.line, call.column) if call else (None, None)
            reason = "; ".join(message for _, message in reasons)
            yield Hit(f"the runbook needs {record.label}: {reason}", None, context.file, line, column)


@rule(
    "AM306",
    "warning",
    "A runbook calls a command no module of its environment exports",
    rationale="A command that no module of the runtime environment exports fails when the runbook reaches it "
    '("The term ... is not recognized"). amkit judges a command only where it knows what every module that could '
    "export it exports: Az commands when every Az module lists its commands, AzureRM ones likewise, others when "
    "every other module does; where it does not know, it says nothing.",
    help="Import the module that exports the command into the runbook's environment, or fix the command's name.",
    source="Runtime environment in Azure Automation",
    help_uri=EXECUTION_DOC,
    target="runbook",
)
def unknown_command(context: RunbookContext) -> Iterator[Hit]:
    """Every call of a command nothing in the environment exports, where amkit knows all the candidates' lists."""
    unknown = context.requirements.query("status == 'unknown'")["commands"]
    names = {str(name).casefold() for name in unknown if isinstance(name, str) and name}
    silent: dict[str | None, list[str]] = {}  # family -> modules whose commands amkit does not know
    for name in context.inventory.names:
        record = context.inventory.versions(name)[-1]
        if not record.commands or not record.commands_complete:
            silent.setdefault(module_family(name), []).append(name)
    for call in context.scan.calls:
        bare = call.name.rpartition("\\")[2]
        if bare.casefold() not in names or silent.get(command_family(bare)):
            continue
        names.discard(bare.casefold())  # once per command, where it is first called
        message = f"no module of {context.environment} exports {bare}: the runbook fails when it calls it"
        yield Hit(message, None, context.file, call.line, call.column)
