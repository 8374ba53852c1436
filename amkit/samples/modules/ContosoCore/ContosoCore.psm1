#Requires -Version 5.1
Set-StrictMode -Version 3.0

$script:DefaultBaseUri = 'https://api.contoso.com/v1'

function ConvertTo-ContosoQueryString {
    <#
    .SYNOPSIS
        Builds a URL query string from a hashtable.

    .DESCRIPTION
        Escapes every key and value, sorts the pairs by key so that the same
        parameters always give the same string, and leaves out keys whose
        value is $null. Dates are written in ISO 8601 (UTC).

    .PARAMETER Parameters
        The query parameters.

    .EXAMPLE
        ConvertTo-ContosoQueryString -Parameters @{ top = 10; filter = 'state eq open' }

        Returns 'filter=state%20eq%20open&top=10'.

    .OUTPUTS
        System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [System.Collections.IDictionary] $Parameters
    )

    $pairs = foreach ($key in ($Parameters.Keys | Sort-Object)) {
        $value = $Parameters[$key]
        if ($null -eq $value) {
            continue
        }
        if ($value -is [datetime]) {
            $value = $value.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
        }
        '{0}={1}' -f [uri]::EscapeDataString([string] $key), [uri]::EscapeDataString([string] $value)
    }
    $pairs -join '&'
}

function Invoke-ContosoRequest {
    <#
    .SYNOPSIS
        Calls the Contoso REST API, retrying throttled and failed requests.

    .DESCRIPTION
        Sends one request to the Contoso API and returns the parsed response.
        A request answered with 429 (throttled) or a 5xx status is retried up
        to MaximumRetryCount times, waiting twice as long before each retry.

    .PARAMETER Path
        The API path, such as 'tenants/42'.

    .PARAMETER Method
        The HTTP method. The default is GET.

    .PARAMETER Query
        Query parameters, passed through ConvertTo-ContosoQueryString.

    .PARAMETER Body
        An object sent as the JSON body.

    .PARAMETER BaseUri
        The API address. The default is https://api.contoso.com/v1.

    .PARAMETER MaximumRetryCount
        How many times to retry. The default is 3.

    .EXAMPLE
        Invoke-ContosoRequest -Path 'tenants' -Query @{ top = 5 }

        Gets the first five tenants.

    .OUTPUTS
        System.Management.Automation.PSCustomObject

    .LINK
        ConvertTo-ContosoQueryString
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [ValidateSet('GET', 'POST', 'PUT', 'DELETE')]
        [string] $Method = 'GET',

        [System.Collections.IDictionary] $Query,

        [object] $Body,

        [ValidatePattern('^https://')]
        [string] $BaseUri = $script:DefaultBaseUri,

        [ValidateRange(0, 10)]
        [int] $MaximumRetryCount = 3
    )

    $uri = '{0}/{1}' -f $BaseUri.TrimEnd('/'), $Path.TrimStart('/')
    if ($Query) {
        $uri = '{0}?{1}' -f $uri, (ConvertTo-ContosoQueryString -Parameters $Query)
    }
    $request = @{ Method = $Method; Uri = $uri; ErrorAction = 'Stop' }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $request.Body = $Body | ConvertTo-Json -Depth 10 -Compress
        $request.ContentType = 'application/json'
    }

    $delay = 1
    for ($attempt = 0; ; $attempt++) {
        try {
            return Invoke-RestMethod @request
        }
        catch {
            $status = 0
            if ($_.Exception.PSObject.Properties['Response'] -and $_.Exception.Response) {
                $status = [int] $_.Exception.Response.StatusCode
            }
            $transient = $status -eq 429 -or $status -ge 500
            if (-not $transient -or $attempt -ge $MaximumRetryCount) {
                throw
            }
            Write-Verbose "Contoso API answered $status; retrying in $delay s."
            Start-Sleep -Seconds $delay
            $delay *= 2
        }
    }
}

function Get-ContosoTenant {
    <#
    .SYNOPSIS
        Gets Contoso tenants.

    .DESCRIPTION
        Gets one tenant by Id, or every tenant whose name matches a pattern.

    .PARAMETER TenantId
        The Id of the tenant.

    .PARAMETER Name
        A name pattern; wildcards are allowed. The default is every tenant.

    .EXAMPLE
        Get-ContosoTenant -TenantId 42

    .EXAMPLE
        Get-ContosoTenant -Name 'Fabrikam*'

    .OUTPUTS
        System.Management.Automation.PSCustomObject

    .LINK
        Invoke-ContosoRequest
    #>
    [CmdletBinding(DefaultParameterSetName = 'ByName')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [ValidateRange(1, [int]::MaxValue)]
        [int] $TenantId,

        [Parameter(ParameterSetName = 'ByName', Position = 0)]
        [SupportsWildcards()]
        [string] $Name = '*'
    )

    process {
        if ($PSCmdlet.ParameterSetName -eq 'ById') {
            Invoke-ContosoRequest -Path "tenants/$TenantId"
        }
        else {
            (Invoke-ContosoRequest -Path 'tenants').value | Where-Object { $_.name -like $Name }
        }
    }
}

Export-ModuleMember -Function 'ConvertTo-ContosoQueryString', 'Get-ContosoTenant', 'Invoke-ContosoRequest'
