# SloppyModule: a deliberately faulty sample for amkit's authoring rules.
# Ported from AzureRM in a hurry (Get-AzureRmContext became Get-AzContext).

$script:LastReport = $null

function Get-SloppyReport {
    param(
        [System.Diagnostics.Process] $Process,

        [string] $ComputerName = 'agent.contoso.com'
    )

    Import-Module Az.Accounts
    $context = Get-AzContext
    $agent = Get-ItemProperty -Path 'HKLM:\SOFTWARE\Contoso\Agent'
    $addresses = Resolve-DnsName -Name $ComputerName -Type A

    $report = [pscustomobject]@{
        Subscription = $context.Subscription.Name
        AgentVersion = $agent.Version
        Process      = $Process.ProcessName
        Addresses    = $addresses.IPAddress -join ', '
    }
    $report | Export-Csv -Path 'C:\Temp\sloppy-report.csv' -NoTypeInformation
    $script:LastReport = $report
    $report
}

function Get-SloppyLastReport {
    $script:LastReport
}
