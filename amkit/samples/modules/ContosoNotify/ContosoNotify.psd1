#
# Module manifest for ContosoNotify, an Azure Automation integration module.
#
# ContosoNotify-Automation.json, next to this manifest, defines the ContosoNotify
# connection type that Azure Automation creates when the module is imported.
#
@{
    RootModule        = 'ContosoNotify.psm1'
    ModuleVersion     = '1.4.0'
    GUID              = 'fe3c96eb-6c89-4c5a-9f6f-31a2fb2b5d44'
    Author            = 'Contoso Automation Team'
    CompanyName       = 'Contoso'
    Copyright         = '(c) Contoso. All rights reserved.'
    Description       = 'Send notifications through the Contoso Notify service from runbooks, using a ContosoNotify connection or explicit credentials.'
    PowerShellVersion = '5.1'
    FunctionsToExport = @('Get-ContosoNotificationStatus', 'Send-ContosoNotification')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
    PrivateData       = @{
        PSData = @{
            Tags       = @('Notifications', 'AzureAutomation', 'IntegrationModule')
            ProjectUri = 'https://docs.contoso.com/powershell/ContosoNotify'
        }
    }
}
