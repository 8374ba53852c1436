#
# Module manifest for ContosoReports. It needs ContosoCore 1.2.0 or later: import
# ContosoCore into the Automation account first.
#
@{
    RootModule        = 'ContosoReports.psm1'
    ModuleVersion     = '1.0.0'
    GUID              = '51637e86-a411-48b9-9898-58c083153505'
    Author            = 'Contoso Automation Team'
    CompanyName       = 'Contoso'
    Copyright         = '(c) Contoso. All rights reserved.'
    Description       = 'Usage reports for Contoso tenants, built on ContosoCore.'
    PowerShellVersion = '5.1'
    RequiredModules   = @(
        @{ ModuleName = 'ContosoCore'; ModuleVersion = '1.2.0'; GUID = 'd9a4c334-3bd4-4fa2-80c0-e1d661854ed8' }
    )
    FunctionsToExport = @('Export-ContosoUsageReport', 'Get-ContosoUsageReport')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
    PrivateData       = @{
        PSData = @{
            Tags = @('Contoso', 'Reports', 'AzureAutomation')
        }
    }
}
