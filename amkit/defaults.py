"""What every Automation account has before anything is imported: default modules, built-in commands, aliases.

The tables come from Microsoft's documentation, as it stood when amkit was
written, and are data, not guesses:

- :data:`DEFAULT_MODULES`: the "Default modules" table of "Manage modules in
  Azure Automation" (learn.microsoft.com/azure/automation/shared-resources/modules),
  with each version as the table gives it (the Windows PowerShell modules
  after Microsoft.PowerShell.Core have none there);
- :data:`INTERNAL_COMMANDS`: the internal cmdlets of
  ``Orchestrator.AssetManagement.Cmdlets`` (same page, "Internal cmdlets"),
  available in the cloud sandbox and on Windows Hybrid Runbook Workers;
- :data:`CORE_COMMANDS`: the commands Windows PowerShell 5.1 ships in its
  built-in modules, from the module index pages of the PowerShell reference
  (learn.microsoft.com/powershell/module/<module>/?view=powershell-5.1);
- :data:`BUILTIN_ALIASES`: Windows PowerShell's built-in aliases of those commands;
- :data:`AZ_MODULES`: the Az modules new accounts get, those of the Az rollup
  release the runtime environment documentation names as the default package.

:func:`builtin_module` is the one lookup of a command in these tables.
"""

from __future__ import annotations

__all__ = [
    "ASSET_CMDLETS",
    "AZ_DEFAULT_RELEASE",
    "AZ_MODULES",
    "AZ_RELEASES",
    "BUILTIN_ALIASES",
    "CORE_COMMANDS",
    "DEFAULT_MODULES",
    "DSC_KEYWORDS",
    "DSC_MODULE",
    "ENGINE_MODULE_VERSIONS",
    "INTERNAL_COMMANDS",
    "INTERNAL_MODULE",
    "POWERSHELL7_MODULE_VERSIONS",
    "builtin_module",
    "command_family",
    "is_builtin_module",
    "module_family",
]

#: The default (global) modules of a new Automation account, with the version the documentation lists;
#: ``None`` where it lists none. New accounts also get the Az modules (:data:`AZ_MODULES`).
DEFAULT_MODULES: tuple[tuple[str, str | None], ...] = (
    ("AuditPolicyDsc", "1.1.0.0"),
    ("Azure", "1.0.3"),
    ("Azure.Storage", "1.0.3"),
    ("AzureRM.Automation", "1.0.3"),
    ("AzureRM.Compute", "1.2.1"),
    ("AzureRM.Profile", "1.0.3"),
    ("AzureRM.Resources", "1.0.3"),
    ("AzureRM.Sql", "1.0.3"),
    ("AzureRM.Storage", "1.0.3"),
    ("ComputerManagementDsc", "5.0.0.0"),
    ("GPRegistryPolicyParser", "0.2"),
    ("Microsoft.PowerShell.Core", "0"),
    ("Microsoft.PowerShell.Diagnostics", None),
    ("Microsoft.PowerShell.Management", None),
    ("Microsoft.PowerShell.Security", None),
    ("Microsoft.PowerShell.Utility", None),
    ("Microsoft.WSMan.Management", None),
    ("Orchestrator.AssetManagement.Cmdlets", "1"),
    ("PSDscResources", "2.9.0.0"),
    ("SecurityPolicyDsc", "2.1.0.0"),
    ("StateConfigCompositeResources", "1"),
    ("xDSCDomainjoin", "1.1"),
    ("xPowerShellExecutionPolicy", "1.1.0.0"),
    ("xRemoteDesktopAdmin", "1.1.0.0"),
)


#: The Az release new accounts get: "Az PowerShell 8.0.0" is the default package the runtime environment
#: documentation names (learn.microsoft.com/azure/automation/runtime-environment-overview).
AZ_DEFAULT_RELEASE = "8.0.0"
# Each Az rollup release amkit models, as the Az module's manifest (tools/Az/Az.psd1 of Azure/azure-powershell,
# the PowerShell Gallery package) requires its modules: Az.Accounts a minimum, the others exact.
_AZ_RELEASES = {
    "8.0.0": (
        "Az.Accounts=2.8.0 Az.Advisor=1.1.2 Az.Aks=4.1.0 Az.AnalysisServices=1.1.4 Az.ApiManagement=3.0.0 "
        "Az.AppConfiguration=1.1.0 Az.ApplicationInsights=2.0.0 Az.Attestation=1.0.0 Az.Automation=1.7.3 "
        "Az.Batch=3.2.0 Az.Billing=2.0.0 Az.Cdn=2.1.0 Az.CloudService=1.1.0 Az.CognitiveServices=1.11.0 "
        "Az.Compute=4.27.0 Az.ContainerInstance=3.1.0 Az.ContainerRegistry=3.0.0 Az.CosmosDB=1.8.0 "
        "Az.DataBoxEdge=1.1.0 Az.Databricks=1.2.0 Az.DataFactory=1.16.7 Az.DataLakeAnalytics=1.0.2 "
        "Az.DataLakeStore=1.3.0 Az.DataShare=1.0.1 Az.DesktopVirtualization=3.1.0 Az.DeploymentManager=1.1.0 "
        "Az.DevTestLabs=1.0.2 Az.Dns=1.1.2 Az.EventGrid=1.3.0 Az.EventHub=2.0.0 Az.FrontDoor=1.9.0 "
        "Az.Functions=4.0.3 Az.HDInsight=5.0.1 Az.HealthcareApis=2.0.0 Az.IotHub=2.7.4 Az.KeyVault=4.5.0 "
        "Az.Kusto=2.1.0 Az.LogicApp=1.5.0 Az.MachineLearning=1.1.3 Az.Maintenance=1.2.0 "
        "Az.ManagedServiceIdentity=1.0.0 Az.ManagedServices=3.0.0 Az.MarketplaceOrdering=1.0.2 Az.Media=1.1.1 "
        "Az.Migrate=1.1.2 Az.Monitor=3.0.1 Az.MySql=1.0.0 Az.Network=4.17.0 Az.NotificationHubs=1.1.1 "
        "Az.OperationalInsights=3.1.0 Az.PolicyInsights=1.5.0 Az.PostgreSql=1.1.0 Az.PowerBIEmbedded=1.1.2 "
        "Az.PrivateDns=1.0.3 Az.RecoveryServices=5.4.0 Az.RedisCache=1.6.0 Az.RedisEnterpriseCache=1.0.0 "
        "Az.Relay=1.0.3 Az.ResourceMover=1.1.0 Az.Resources=6.0.0 Az.Security=1.3.0 Az.SecurityInsights=1.1.0 "
        "Az.ServiceBus=1.9.0 Az.ServiceFabric=3.0.2 Az.SignalR=1.4.1 Az.Sql=3.9.0 Az.SqlVirtualMachine=1.1.0 "
        "Az.StackHCI=1.1.1 Az.Storage=4.6.0 Az.StorageSync=1.7.0 Az.StreamAnalytics=2.0.0 Az.Support=1.0.0 "
        "Az.Synapse=1.4.0 Az.TrafficManager=1.1.0 Az.Websites=2.11.2 "
    ),
    # The default package of PowerShell 7.4 environments (runtime environment documentation); read from
    # tools/Az/Az.psd1 with ModuleVersion 12.3.0 (a copy of Azure/azure-powershell at commit 84c520fb),
    # checked against the Az ChangeLog's "12.3.0" section, which gives Az.StorageSync 2.3.1 (that copy: 2.3.0).
    "12.3.0": (
        "Az.Accounts=3.0.4 Az.Advisor=2.0.1 Az.Aks=6.0.4 Az.AnalysisServices=1.1.5 Az.ApiManagement=4.0.4 "
        "Az.App=1.0.1 Az.AppConfiguration=1.3.2 Az.ApplicationInsights=2.2.5 Az.ArcResourceBridge=1.0.1 "
        "Az.Attestation=2.0.2 Az.Automanage=1.0.2 Az.Automation=1.10.0 Az.Batch=3.6.3 Az.Billing=2.0.4 "
        "Az.Cdn=3.2.2 Az.CloudService=2.0.1 Az.CognitiveServices=1.14.1 Az.Compute=8.3.0 "
        "Az.ConfidentialLedger=1.0.1 Az.ContainerInstance=4.0.2 Az.ContainerRegistry=4.2.1 "
        "Az.CosmosDB=1.14.5 Az.DataBoxEdge=1.1.1 Az.Databricks=1.9.0 Az.DataFactory=1.18.7 "
        "Az.DataLakeAnalytics=1.0.3 Az.DataLakeStore=1.3.2 Az.DataProtection=2.4.0 Az.DataShare=1.0.2 "
        "Az.DesktopVirtualization=4.3.1 Az.DevCenter=1.2.0 Az.DevTestLabs=1.0.3 Az.Dns=1.2.1 "
        "Az.DnsResolver=1.0.0 Az.ElasticSan=1.0.3 Az.EventGrid=2.0.0 Az.EventHub=5.0.0 Az.FrontDoor=1.11.1 "
        "Az.Functions=4.1.0 Az.HDInsight=6.2.0 Az.HealthcareApis=2.0.1 Az.IotHub=2.7.7 Az.KeyVault=6.1.0 "
        "Az.Kusto=2.3.1 Az.LoadTesting=1.0.1 Az.LogicApp=1.5.1 Az.MachineLearning=1.1.4 "
        "Az.MachineLearningServices=1.1.0 Az.Maintenance=1.4.3 Az.ManagedServiceIdentity=1.2.1 "
        "Az.ManagedServices=3.0.1 Az.MarketplaceOrdering=2.0.1 Az.Media=1.1.2 Az.Migrate=2.4.0 "
        "Az.Monitor=5.2.1 Az.MySql=1.2.1 Az.Network=7.8.1 Az.NetworkCloud=1.0.2 Az.Nginx=1.1.0 "
        "Az.NotificationHubs=1.1.3 Az.OperationalInsights=3.2.1 Az.Oracle=1.0.0 Az.PolicyInsights=1.6.5 "
        "Az.PostgreSql=1.1.2 Az.PowerBIEmbedded=2.0.0 Az.PrivateDns=1.0.5 Az.RecoveryServices=7.1.0 "
        "Az.RedisCache=1.10.0 Az.RedisEnterpriseCache=1.2.1 Az.Relay=2.0.1 Az.ResourceGraph=1.0.0 "
        "Az.ResourceMover=1.2.1 Az.Resources=7.4.0 Az.Security=1.7.0 Az.SecurityInsights=3.1.2 "
        "Az.ServiceBus=4.0.0 Az.ServiceFabric=3.3.4 Az.SignalR=2.0.2 Az.Sql=5.3.0 Az.SqlVirtualMachine=2.3.1 "
        "Az.StackHCI=2.4.0 Az.StackHCIVM=1.0.4 Az.Storage=7.3.0 Az.StorageMover=1.4.0 Az.StorageSync=2.3.1 "
        "Az.StreamAnalytics=2.0.1 Az.Support=2.0.0 Az.Synapse=3.0.10 Az.TrafficManager=1.2.2 "
        "Az.Websites=3.2.1 "
    ),
}
#: Az release -> its modules (name, version), in the manifest's order.
AZ_RELEASES: dict[str, tuple[tuple[str, str], ...]] = {
    release: tuple((entry.partition("=")[0], entry.partition("=")[2]) for entry in modules.split())
    for release, modules in _AZ_RELEASES.items()
}
#: The modules of :data:`AZ_DEFAULT_RELEASE`.
AZ_MODULES = AZ_RELEASES[AZ_DEFAULT_RELEASE]


#: The versions Windows PowerShell 5.1 gives its own modules, which the module list shows without (or as 0):
#: an import's validation loads the module in such a session, so requirements are checked against these.
ENGINE_MODULE_VERSIONS = {
    "Microsoft.PowerShell.Core": "3.0.0.0",
    "Microsoft.PowerShell.Diagnostics": "3.0.0.0",
    "Microsoft.PowerShell.Management": "3.1.0.0",
    "Microsoft.PowerShell.Security": "3.0.0.0",
    "Microsoft.PowerShell.Utility": "3.1.0.0",
    "Microsoft.WSMan.Management": "3.0.0.0",
}

#: The modules PowerShell 7 ships, at the versions their manifests give (src/Modules of PowerShell/PowerShell);
#: Microsoft.PowerShell.Core, a snap-in with the engine's own version rather than a manifest module, is left out.
POWERSHELL7_MODULE_VERSIONS = {
    "Microsoft.PowerShell.Diagnostics": "7.0.0.0",
    "Microsoft.PowerShell.Management": "7.0.0.0",
    "Microsoft.PowerShell.Security": "7.0.0.0",
    "Microsoft.PowerShell.Utility": "7.0.0.0",
    "Microsoft.WSMan.Management": "7.0.0.0",
}

INTERNAL_MODULE = "Orchestrator.AssetManagement.Cmdlets"
#: Automation's internal cmdlets: assets, child runbooks and jobs, from inside a runbook.
INTERNAL_COMMANDS: tuple[str, ...] = (
    "Get-AutomationCertificate",
    "Get-AutomationConnection",
    "Get-AutomationPSCredential",
    "Get-AutomationVariable",
    "Set-AutomationVariable",
    "Start-AutomationRunbook",
    "Wait-AutomationJob",
)

# Each list is one string of names, split on white space, to keep the tables readable.
_CORE: dict[str, str] = {
    "Microsoft.PowerShell.Core": (
        "Add-History Add-PSSnapin Clear-History Connect-PSSession Debug-Job Disable-PSRemoting "
        "Disable-PSSessionConfiguration Disconnect-PSSession Enable-PSRemoting Enable-PSSessionConfiguration "
        "Enter-PSHostProcess Enter-PSSession Exit-PSHostProcess Exit-PSSession Export-Console "
        "Export-ModuleMember ForEach-Object Get-Command Get-Help Get-History Get-Job Get-Module "
        "Get-PSHostProcessInfo Get-PSSession Get-PSSessionCapability Get-PSSessionConfiguration Get-PSSnapin "
        "Import-Module Invoke-Command Invoke-History New-Module New-ModuleManifest New-PSRoleCapabilityFile "
        "New-PSSession New-PSSessionConfigurationFile New-PSSessionOption New-PSTransportOption Out-Default "
        "Out-Host Out-Null Receive-Job Receive-PSSession Register-ArgumentCompleter "
        "Register-PSSessionConfiguration Remove-Job Remove-Module Remove-PSSession Remove-PSSnapin Resume-Job "
        "Save-Help Set-PSDebug Set-PSSessionConfiguration Set-StrictMode Start-Job Stop-Job Suspend-Job "
        "Test-ModuleManifest Test-PSSessionConfigurationFile Unregister-PSSessionConfiguration Update-Help "
        "Wait-Job Where-Object "
    ),
    "Microsoft.PowerShell.Utility": (
        "Add-Member Add-Type Clear-Variable Compare-Object Convert-String ConvertFrom-Csv ConvertFrom-Json "
        "ConvertFrom-SddlString ConvertFrom-String ConvertFrom-StringData ConvertTo-Csv ConvertTo-Html "
        "ConvertTo-Json ConvertTo-Xml Debug-Runspace Disable-PSBreakpoint Disable-RunspaceDebug "
        "Enable-PSBreakpoint Enable-RunspaceDebug Export-Alias Export-Clixml Export-Csv Export-FormatData "
        "Export-PSSession Format-Custom Format-Hex Format-List Format-Table Format-Wide Get-Alias Get-Culture "
        "Get-Date Get-Event Get-EventSubscriber Get-FileHash Get-FormatData Get-Host Get-Member "
        "Get-PSBreakpoint Get-PSCallStack Get-Random Get-Runspace Get-RunspaceDebug Get-TraceSource "
        "Get-TypeData Get-UICulture Get-Unique Get-Variable Group-Object Import-Alias Import-Clixml "
        "Import-Csv Import-LocalizedData Import-PowerShellDataFile Import-PSSession Invoke-Expression "
        "Invoke-RestMethod Invoke-WebRequest Measure-Command Measure-Object New-Alias New-Event New-Guid "
        "New-Object New-TemporaryFile New-TimeSpan New-Variable Out-File Out-GridView Out-Printer Out-String "
        "Read-Host Register-EngineEvent Register-ObjectEvent Remove-Event Remove-PSBreakpoint Remove-TypeData "
        "Remove-Variable Select-Object Select-String Select-Xml Send-MailMessage Set-Alias Set-Date "
        "Set-PSBreakpoint Set-TraceSource Set-Variable Show-Command Sort-Object Start-Sleep Tee-Object "
        "Trace-Command Unblock-File Unregister-Event Update-FormatData Update-List Update-TypeData "
        "Wait-Debugger Wait-Event Write-Debug Write-Error Write-Host Write-Information Write-Output "
        "Write-Progress Write-Verbose Write-Warning "
    ),
    "Microsoft.PowerShell.Management": (
        "Add-Computer Add-Content Checkpoint-Computer Clear-Content Clear-EventLog Clear-Item "
        "Clear-ItemProperty Clear-RecycleBin Complete-Transaction Convert-Path Copy-Item Copy-ItemProperty "
        "Debug-Process Disable-ComputerRestore Enable-ComputerRestore Get-ChildItem Get-Clipboard "
        "Get-ComputerInfo Get-ComputerRestorePoint Get-Content Get-ControlPanelItem Get-EventLog Get-HotFix "
        "Get-Item Get-ItemProperty Get-ItemPropertyValue Get-Location Get-Process Get-PSDrive Get-PSProvider "
        "Get-Service Get-TimeZone Get-Transaction Get-WmiObject Invoke-Item Invoke-WmiMethod Join-Path "
        "Limit-EventLog Move-Item Move-ItemProperty New-EventLog New-Item New-ItemProperty New-PSDrive "
        "New-Service New-WebServiceProxy Pop-Location Push-Location Register-WmiEvent Remove-Computer "
        "Remove-EventLog Remove-Item Remove-ItemProperty Remove-PSDrive Remove-WmiObject Rename-Computer "
        "Rename-Item Rename-ItemProperty Reset-ComputerMachinePassword Resolve-Path Restart-Computer "
        "Restart-Service Restore-Computer Resume-Service Set-Clipboard Set-Content Set-Item Set-ItemProperty "
        "Set-Location Set-Service Set-TimeZone Set-WmiInstance Show-ControlPanelItem Show-EventLog Split-Path "
        "Start-Process Start-Service Start-Transaction Stop-Computer Stop-Process Stop-Service "
        "Suspend-Service Test-ComputerSecureChannel Test-Connection Test-Path Undo-Transaction "
        "Use-Transaction Wait-Process Write-EventLog "
    ),
    "Microsoft.PowerShell.Security": (
        "ConvertFrom-SecureString ConvertTo-SecureString Get-Acl Get-AuthenticodeSignature Get-CmsMessage "
        "Get-Credential Get-ExecutionPolicy Get-PfxCertificate New-FileCatalog Protect-CmsMessage Set-Acl "
        "Set-AuthenticodeSignature Set-ExecutionPolicy Test-FileCatalog Unprotect-CmsMessage "
    ),
    "Microsoft.PowerShell.Diagnostics": ("Export-Counter Get-Counter Get-WinEvent Import-Counter New-WinEvent "),
    "Microsoft.WSMan.Management": (
        "Connect-WSMan Disable-WSManCredSSP Disconnect-WSMan Enable-WSManCredSSP Get-WSManCredSSP "
        "Get-WSManInstance Invoke-WSManAction New-WSManInstance New-WSManSessionOption Remove-WSManInstance "
        "Set-WSManInstance Set-WSManQuickConfig Test-WSMan "
    ),
}
#: The commands of Windows PowerShell 5.1's built-in modules, by module.
CORE_COMMANDS: dict[str, tuple[str, ...]] = {module: tuple(names.split()) for module, names in _CORE.items()}

#: Windows PowerShell's built-in aliases, lower case, to the command each stands for.
BUILTIN_ALIASES: dict[str, str] = {
    alias: command
    for command, aliases in {
        "Add-Content": "ac",
        "Clear-Content": "clc",
        "Clear-Item": "cli",
        "Clear-Variable": "clv",
        "Compare-Object": "compare diff",
        "Copy-Item": "copy cp cpi",
        "ForEach-Object": "% foreach",
        "Format-List": "fl",
        "Format-Table": "ft",
        "Format-Wide": "fw",
        "Get-Alias": "gal",
        "Get-ChildItem": "dir gci ls",
        "Get-Command": "gcm",
        "Get-Content": "cat gc type",
        "Get-History": "h history ghy",
        "Get-Item": "gi",
        "Get-ItemProperty": "gp",
        "Get-Job": "gjb",
        "Get-Location": "gl pwd",
        "Get-Member": "gm",
        "Get-Module": "gmo",
        "Get-Process": "gps ps",
        "Get-Service": "gsv",
        "Get-Variable": "gv",
        "Get-WmiObject": "gwmi",
        "Group-Object": "group",
        "Import-Module": "ipmo",
        "Invoke-Command": "icm",
        "Invoke-Expression": "iex",
        "Invoke-RestMethod": "irm",
        "Invoke-WebRequest": "iwr curl wget",
        "Measure-Object": "measure",
        "Move-Item": "mi move mv",
        "New-Item": "ni",
        "New-Variable": "nv",
        "Out-GridView": "ogv",
        "Remove-Item": "del erase rd ri rm rmdir",
        "Remove-Variable": "rv",
        "Rename-Item": "ren rni",
        "Select-Object": "select",
        "Select-String": "sls",
        "Set-Alias": "sal",
        "Set-Content": "sc",
        "Set-Item": "si",
        "Set-Location": "cd chdir sl",
        "Set-Variable": "set sv",
        "Sort-Object": "sort",
        "Start-Job": "sajb",
        "Start-Process": "saps start",
        "Start-Sleep": "sleep",
        "Stop-Process": "kill spps",
        "Tee-Object": "tee",
        "Where-Object": "? where",
        "Write-Output": "echo write",
    }.items()
    for alias in aliases.split()
}

#: Windows PowerShell's DSC module, and the keywords of a configuration that the grammar reads as calls
#: (``Import-DscResource`` is a dynamic keyword, valid only inside ``Configuration``).
DSC_MODULE = "PSDesiredStateConfiguration"
DSC_KEYWORDS = ("Import-DscResource", "Node")

#: The Az (and AzureRM) cmdlets that read or change an Automation asset from inside a runbook, and the internal
#: cmdlet that does it there without signing in ("Manage modules in Azure Automation", "Internal cmdlets").
ASSET_CMDLETS: dict[str, str] = {
    f"{verb}-{prefix}Automation{noun}".casefold(): internal
    for prefix in ("Az", "AzureRm")
    for verb, noun, internal in (
        ("Get", "Certificate", "Get-AutomationCertificate"),
        ("Get", "Connection", "Get-AutomationConnection"),
        ("Get", "Credential", "Get-AutomationPSCredential"),
        ("Get", "Variable", "Get-AutomationVariable"),
        ("Set", "Variable", "Set-AutomationVariable"),
        ("Start", "Runbook", "Start-AutomationRunbook"),
        ("Get", "Job", "Wait-AutomationJob"),
    )
}

_BUILTIN_MODULES = frozenset(module.casefold() for module in (INTERNAL_MODULE, DSC_MODULE, *CORE_COMMANDS))
_BY_COMMAND = {
    command.casefold(): module
    for module, commands in ((INTERNAL_MODULE, INTERNAL_COMMANDS), (DSC_MODULE, DSC_KEYWORDS), *CORE_COMMANDS.items())
    for command in commands
}


def builtin_module(command: str) -> str | None:
    r"""The built-in module that provides ``command`` (a name or built-in alias, any case), or ``None``.

    ``Microsoft.PowerShell.Utility\Write-Output`` is looked up by its name.
    """
    name = command.rpartition("\\")[2].casefold()
    name = BUILTIN_ALIASES.get(name, name).casefold()
    return _BY_COMMAND.get(name)


def is_builtin_module(name: str) -> bool:
    """Whether ``name`` (any case) is one of Windows PowerShell's built-in modules or Automation's internal one."""
    return name.casefold() in _BUILTIN_MODULES


# Az.Accounts' cmdlets that switch the AzureRM names on and off, though their names say AzureRm.
_AZ_ALIAS_SWITCHES = frozenset({"enable-azurermalias", "disable-azurermalias"})


def command_family(command: str) -> str | None:
    """``Az`` or ``AzureRM`` for a command named as those modules name theirs (``Get-AzVM``, ``Get-AzureRmVM``).

    The noun's prefix says it: ``AzureRm`` for AzureRM, ``Az`` followed by a
    capital for Az (``Get-AzureStorageBlob``, of the classic Azure module, is neither).
    ``Enable-AzureRmAlias`` and ``Disable-AzureRmAlias`` are Az.Accounts cmdlets.
    """
    bare = command.rpartition("\\")[2]
    if bare.casefold() in _AZ_ALIAS_SWITCHES:
        return "Az"
    noun = bare.partition("-")[2]
    if noun.casefold().startswith("azurerm"):
        return "AzureRM"
    if noun.startswith("Az") and len(noun) > 2 and noun[2].isupper():
        return "Az"
    return None


def module_family(name: str) -> str | None:
    """``Az`` for the Az modules, ``AzureRM`` for the AzureRM ones (which cannot share a session), else ``None``."""
    folded = name.casefold()
    if folded == "azurerm" or folded.startswith("azurerm."):
        return "AzureRM"
    if folded == "az" or folded.startswith("az."):
        return "Az"
    return None
