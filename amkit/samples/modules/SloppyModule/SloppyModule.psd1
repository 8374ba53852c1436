#
# Module manifest for SloppyModule, a deliberately faulty sample: Azure Automation
# imports it, but it breaks the authoring practices for Automation modules
# (FunctionsToExport = '*' and no CmdletsToExport, to begin with).
#
@{
    RootModule        = 'SloppyModule.psm1'
    ModuleVersion     = '0.9.0'
    GUID              = '2201ee82-729d-448f-abaa-c453a391f9a1'
    Author            = 'Contoso Automation Team'
    CompanyName       = 'Contoso'
    Copyright         = '(c) Contoso. All rights reserved.'
    Description       = 'Reports on the Contoso agent of a host and the Azure context. A faulty sample: it imports, but breaks the authoring practices.'
    PowerShellVersion = '5.1'
    RequiredModules   = @(
        @{ ModuleName = 'Az.Accounts'; ModuleVersion = '2.10.0' }
    )
    FunctionsToExport = '*'
}
