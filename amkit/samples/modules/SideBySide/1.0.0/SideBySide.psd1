#
# Module manifest for SideBySide 1.0.0.
#
@{
    RootModule        = 'SideBySide.psm1'
    ModuleVersion     = '1.0.0'
    GUID              = 'd5a535fb-300a-4202-857d-84e75cceead7'
    Author            = 'Contoso Automation Team'
    CompanyName       = 'Contoso'
    Copyright         = '(c) Contoso. All rights reserved.'
    Description       = 'Text and duration helpers for runbook output. Version 1.0.0.'
    PowerShellVersion = '5.1'
    FunctionsToExport = @('ConvertTo-Slug', 'Format-Duration')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
    PrivateData       = @{
        PSData = @{
            Tags         = @('Text', 'Formatting', 'AzureAutomation')
            ReleaseNotes = 'First release: ConvertTo-Slug and Format-Duration -Seconds.'
        }
    }
}
