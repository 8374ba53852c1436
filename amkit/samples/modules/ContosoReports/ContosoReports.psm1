#Requires -Version 5.1
Set-StrictMode -Version 3.0

function Get-ContosoUsageReport {
    <#
    .SYNOPSIS
        Gets the daily usage of a Contoso tenant.

    .DESCRIPTION
        Returns one object per day between From and To with the tenant's
        active users, API calls and storage used. The data comes from the
        Contoso API through ContosoCore's Invoke-ContosoRequest.

    .PARAMETER TenantId
        The Id of the tenant. Accepts pipeline input by property name, so
        Get-ContosoTenant output can be piped in.

    .PARAMETER From
        The first day of the report. The default is 30 days ago.

    .PARAMETER To
        The last day of the report. The default is today.

    .EXAMPLE
        Get-ContosoUsageReport -TenantId 42 -From '2024-01-01' -To '2024-01-31'

    .EXAMPLE
        Get-ContosoTenant -Name 'Fabrikam*' | Get-ContosoUsageReport

        Gets the last 30 days of usage of every Fabrikam tenant.

    .OUTPUTS
        System.Management.Automation.PSCustomObject

    .LINK
        Export-ContosoUsageReport
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateRange(1, [int]::MaxValue)]
        [int] $TenantId,

        [datetime] $From = (Get-Date).Date.AddDays(-30),

        [datetime] $To = (Get-Date).Date
    )

    process {
        if ($From -gt $To) {
            throw "From ($($From.ToString('yyyy-MM-dd'))) is after To ($($To.ToString('yyyy-MM-dd')))."
        }
        $query = @{ from = $From.Date; to = $To.Date.AddDays(1); granularity = 'day' }
        Write-Verbose "GET tenants/$TenantId/usage?$(ConvertTo-ContosoQueryString -Parameters $query)"
        $response = Invoke-ContosoRequest -Path "tenants/$TenantId/usage" -Query $query
        foreach ($day in $response.value) {
            [pscustomobject]@{
                TenantId    = $TenantId
                Date        = ([datetime] $day.date).Date
                ActiveUsers = [int] $day.activeUsers
                ApiCalls    = [long] $day.apiCalls
                StorageGB   = [math]::Round([double] $day.storageBytes / [math]::Pow(1024, 3), 2)
            }
        }
    }
}

function Export-ContosoUsageReport {
    <#
    .SYNOPSIS
        Writes a month of a tenant's usage to a CSV file.

    .DESCRIPTION
        Gets the tenant's daily usage for one calendar month with
        Get-ContosoUsageReport and writes it to a CSV file, one row a day.

    .PARAMETER TenantId
        The Id of the tenant.

    .PARAMETER Month
        Any date in the month to report. The default is last month.

    .PARAMETER Path
        The CSV file to write. In an Azure Automation sandbox, use a path under
        $env:TEMP and upload the file elsewhere before the job ends.

    .PARAMETER Force
        Overwrite an existing file.

    .EXAMPLE
        Export-ContosoUsageReport -TenantId 42 -Path "$env:TEMP\usage.csv"

        Writes last month's usage of tenant 42.

    .OUTPUTS
        System.IO.FileInfo

    .LINK
        Get-ContosoUsageReport
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([System.IO.FileInfo])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateRange(1, [int]::MaxValue)]
        [int] $TenantId,

        [Parameter(Mandatory, Position = 1)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [datetime] $Month = (Get-Date).AddMonths(-1),

        [switch] $Force
    )

    $first = [datetime]::new($Month.Year, $Month.Month, 1)
    $last = $first.AddMonths(1).AddDays(-1)
    if ((Test-Path -LiteralPath $Path) -and -not $Force) {
        throw "The file '$Path' exists. Use -Force to overwrite it."
    }
    $rows = Get-ContosoUsageReport -TenantId $TenantId -From $first -To $last
    if ($PSCmdlet.ShouldProcess($Path, "Write $(@($rows).Count) days of usage")) {
        $rows | Export-Csv -LiteralPath $Path -NoTypeInformation -Encoding UTF8
        Get-Item -LiteralPath $Path
    }
}

Export-ModuleMember -Function 'Export-ContosoUsageReport', 'Get-ContosoUsageReport'
