#
# Module manifest for BrokenLayout, a deliberately faulty sample that Azure Automation
# refuses to import: this folder is named 1.0.0 but ModuleVersion says 1.0.1, the
# RootModule file was never added to the package, and the connection type names
# another module.
#
@{
    RootModule        = 'BrokenLayout.psm1'
    ModuleVersion     = '1.0.1'
    GUID              = 'a080f07d-29ca-4a4c-be1a-2ee8f23ae0b5'
    Author            = 'Contoso Automation Team'
    CompanyName       = 'Contoso'
    Copyright         = '(c) Contoso. All rights reserved.'
    Description       = 'Reads widgets from the Contoso inventory service. A faulty sample: it cannot be imported.'
    PowerShellVersion = '5.1'
    FunctionsToExport = @('Get-BrokenWidget')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
