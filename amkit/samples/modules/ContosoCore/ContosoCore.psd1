#
# Module manifest for ContosoCore, the shared base of the Contoso modules.
# ContosoReports lists it in RequiredModules.
#
@{
    RootModule        = 'ContosoCore.psm1'
    ModuleVersion     = '1.2.0'
    GUID              = 'd9a4c334-3bd4-4fa2-80c0-e1d661854ed8'
    Author            = 'Contoso Automation Team'
    CompanyName       = 'Contoso'
    Copyright         = '(c) Contoso. All rights reserved.'
    Description       = 'Shared plumbing for Contoso modules: calling the Contoso REST API with retries, and building query strings.'
    PowerShellVersion = '5.1'
    FunctionsToExport = @('ConvertTo-ContosoQueryString', 'Get-ContosoTenant', 'Invoke-ContosoRequest')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
    PrivateData       = @{
        PSData = @{
            Tags         = @('Contoso', 'REST', 'AzureAutomation')
            ReleaseNotes = '1.2.0: Invoke-ContosoRequest retries throttled (429) and failed (5xx) requests.'
        }
    }
}
