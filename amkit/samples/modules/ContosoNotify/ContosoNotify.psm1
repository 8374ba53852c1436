#Requires -Version 5.1
Set-StrictMode -Version 3.0

# The fields of a ContosoNotify connection (see ContosoNotify-Automation.json).
$script:RequiredConnectionFields = 'ApiUri', 'ApiKey', 'Username'

function Resolve-ContosoNotifySettings {
    # Turns either parameter set of a public function into one settings object,
    # checking that a connection passed with -Connection has every required field.
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $BoundParameters
    )

    if ($BoundParameters.ContainsKey('Connection')) {
        $connection = $BoundParameters['Connection']
        $missing = $script:RequiredConnectionFields | Where-Object { -not $connection[$_] }
        if ($missing) {
            throw "The connection lacks the field(s) $($missing -join ', '). Pass the output of Get-AutomationConnection -Name <name> for a ContosoNotify connection."
        }
        $apiKey = [string] $connection['ApiKey']
        $region = $connection['Region']
        $apiUri = $connection['ApiUri']
        $username = $connection['Username']
    }
    else {
        $credential = [pscredential]::new($BoundParameters['Username'], $BoundParameters['ApiKey'])
        $apiKey = $credential.GetNetworkCredential().Password
        $region = $BoundParameters['Region']
        $apiUri = $BoundParameters['ApiUri']
        $username = $BoundParameters['Username']
    }

    [pscustomobject]@{
        BaseUri  = ([string] $apiUri).TrimEnd('/')
        Username = [string] $username
        Region   = if ($region) { [string] $region } else { 'global' }
        Headers  = @{ 'X-Api-Key' = $apiKey; 'X-Api-User' = [string] $username }
    }
}

function Send-ContosoNotification {
    <#
    .SYNOPSIS
        Sends a notification through Contoso Notify.

    .DESCRIPTION
        Posts a message to a Contoso Notify channel and returns the accepted
        notification, whose Id Get-ContosoNotificationStatus takes.

        In a runbook, pass a ContosoNotify connection asset with -Connection.
        Elsewhere, pass the service address and credentials one by one.

    .PARAMETER Connection
        A ContosoNotify connection, as returned by Get-AutomationConnection:
        a hashtable with ApiUri, ApiKey, Username and, optionally, Region.

    .PARAMETER ApiUri
        The address of the Contoso Notify API, for example
        https://notify.contoso.com/api.

    .PARAMETER ApiKey
        The API key of the account, as a secure string.

    .PARAMETER Username
        The account the API key belongs to.

    .PARAMETER Region
        The service region that stores the notification. The default is 'global'.

    .PARAMETER Channel
        The channel to post to, such as 'ops-alerts'.

    .PARAMETER Message
        The text of the notification. Accepts pipeline input.

    .PARAMETER Priority
        Low, Normal or High. The default is Normal.

    .EXAMPLE
        $connection = Get-AutomationConnection -Name 'ContosoNotify'
        Send-ContosoNotification -Connection $connection -Channel 'ops-alerts' -Message 'Backup finished.'

        Sends a notification from a runbook, using the ContosoNotify connection asset.

    .EXAMPLE
        $key = Read-Host -Prompt 'API key' -AsSecureString
        Send-ContosoNotification -ApiUri 'https://notify.contoso.com/api' -ApiKey $key -Username 'ops' -Channel 'ops-alerts' -Message 'Test' -Priority High

        Sends a notification with explicit settings, outside Azure Automation.

    .OUTPUTS
        System.Management.Automation.PSCustomObject

    .LINK
        Get-ContosoNotificationStatus

    .LINK
        https://docs.contoso.com/powershell/ContosoNotify/Send-ContosoNotification
    #>
    [CmdletBinding(DefaultParameterSetName = 'ByConnection', SupportsShouldProcess,
        HelpUri = 'https://docs.contoso.com/powershell/ContosoNotify/Send-ContosoNotification')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, ParameterSetName = 'ByConnection')]
        [hashtable] $Connection,

        [Parameter(Mandatory, ParameterSetName = 'ByParameters')]
        [ValidatePattern('^https://')]
        [string] $ApiUri,

        [Parameter(Mandatory, ParameterSetName = 'ByParameters')]
        [securestring] $ApiKey,

        [Parameter(Mandatory, ParameterSetName = 'ByParameters')]
        [string] $Username,

        [Parameter(ParameterSetName = 'ByParameters')]
        [string] $Region,

        [Parameter(Mandatory)]
        [ValidateNotNullOrEmpty()]
        [string] $Channel,

        [Parameter(Mandatory, ValueFromPipeline)]
        [ValidateLength(1, 4000)]
        [string] $Message,

        [ValidateSet('Low', 'Normal', 'High')]
        [string] $Priority = 'Normal'
    )

    begin {
        $settings = Resolve-ContosoNotifySettings -BoundParameters $PSBoundParameters
    }

    process {
        if (-not $PSCmdlet.ShouldProcess($Channel, 'Send notification')) {
            return
        }
        $body = @{
            channel  = $Channel
            message  = $Message
            priority = $Priority.ToLowerInvariant()
            region   = $settings.Region
        } | ConvertTo-Json -Compress
        $response = Invoke-RestMethod -Method Post -Uri "$($settings.BaseUri)/notifications" `
            -Headers $settings.Headers -ContentType 'application/json' -Body $body -ErrorAction Stop
        [pscustomobject]@{
            Id       = $response.id
            Channel  = $Channel
            Priority = $Priority
            Status   = $response.status
        }
    }
}

function Get-ContosoNotificationStatus {
    <#
    .SYNOPSIS
        Gets the delivery status of a Contoso Notify notification.

    .DESCRIPTION
        Returns the status (Queued, Delivered or Failed) and delivery time of
        notifications sent with Send-ContosoNotification.

    .PARAMETER Connection
        A ContosoNotify connection, as returned by Get-AutomationConnection:
        a hashtable with ApiUri, ApiKey, Username and, optionally, Region.

    .PARAMETER ApiUri
        The address of the Contoso Notify API, for example
        https://notify.contoso.com/api.

    .PARAMETER ApiKey
        The API key of the account, as a secure string.

    .PARAMETER Username
        The account the API key belongs to.

    .PARAMETER Region
        The service region that stores the notification. The default is 'global'.

    .PARAMETER Id
        The Id of the notification. Accepts pipeline input by property name,
        so the output of Send-ContosoNotification can be piped in.

    .EXAMPLE
        $connection = Get-AutomationConnection -Name 'ContosoNotify'
        Send-ContosoNotification -Connection $connection -Channel 'ops-alerts' -Message 'Done.' |
            Get-ContosoNotificationStatus -Connection $connection

        Sends a notification and reads back its status.

    .OUTPUTS
        System.Management.Automation.PSCustomObject

    .LINK
        Send-ContosoNotification

    .LINK
        https://docs.contoso.com/powershell/ContosoNotify/Get-ContosoNotificationStatus
    #>
    [CmdletBinding(DefaultParameterSetName = 'ByConnection',
        HelpUri = 'https://docs.contoso.com/powershell/ContosoNotify/Get-ContosoNotificationStatus')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, ParameterSetName = 'ByConnection')]
        [hashtable] $Connection,

        [Parameter(Mandatory, ParameterSetName = 'ByParameters')]
        [ValidatePattern('^https://')]
        [string] $ApiUri,

        [Parameter(Mandatory, ParameterSetName = 'ByParameters')]
        [securestring] $ApiKey,

        [Parameter(Mandatory, ParameterSetName = 'ByParameters')]
        [string] $Username,

        [Parameter(ParameterSetName = 'ByParameters')]
        [string] $Region,

        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidatePattern('^[0-9a-f]{32}$')]
        [string] $Id
    )

    begin {
        $settings = Resolve-ContosoNotifySettings -BoundParameters $PSBoundParameters
    }

    process {
        $response = Invoke-RestMethod -Method Get -Uri "$($settings.BaseUri)/notifications/$Id" `
            -Headers $settings.Headers -ErrorAction Stop
        [pscustomobject]@{
            Id          = $Id
            Status      = $response.status
            DeliveredAt = if ($response.deliveredAt) { [datetime] $response.deliveredAt } else { $null }
        }
    }
}

Export-ModuleMember -Function 'Get-ContosoNotificationStatus', 'Send-ContosoNotification'
