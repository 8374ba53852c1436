#
# Module manifest for SideBySide 2.0.0.
#
@{
    RootModule        = 'SideBySide.psm1'
    ModuleVersion     = '2.0.0'
    GUID              = 'd5a535fb-300a-4202-857d-84e75cceead7'
    Author            = 'Contoso Automation Team'
    CompanyName       = 'Contoso'
    Copyright         = '(c) Contoso. All rights reserved.'
    Description       = 'Text and duration helpers for runbook output. Version 2.0.0.'
    PowerShellVersion = '5.1'
    FunctionsToExport = @('ConvertFrom-Slug', 'ConvertTo-Slug', 'Format-Duration')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
    PrivateData       = @{
        PSData = @{
            Tags         = @('Text', 'Formatting', 'AzureAutomation')
            ReleaseNotes = 'Breaking: Format-Duration takes -Duration [TimeSpan] instead of -Seconds [int]. New: ConvertFrom-Slug.'
        }
    }
}
