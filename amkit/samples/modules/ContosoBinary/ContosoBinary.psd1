#
# Module manifest for ContosoBinary, a binary module: its cmdlets are .NET classes
# in ContosoBinary.dll (built from amkit/samples/dotnet_src/ContosoBinary.cs).
#
@{
    RootModule        = 'ContosoBinary.dll'
    ModuleVersion     = '1.0.0'
    GUID              = 'ebcda939-eecc-4528-8ddf-32af9dd72d49'
    Author            = 'Contoso Automation Team'
    CompanyName       = 'Contoso'
    Copyright         = '(c) Contoso. All rights reserved.'
    Description       = 'Cmdlets, compiled in C#, to read, rename and export widgets of the Contoso catalogue.'
    PowerShellVersion = '5.1'
    FunctionsToExport = @()
    CmdletsToExport   = @('Get-ContosoWidget', 'Set-ContosoWidget', 'Export-ContosoWidget')
    VariablesToExport = @()
    AliasesToExport   = @()
    PrivateData       = @{
        PSData = @{
            Tags = @('Widgets', 'BinaryModule')
        }
    }
}
