#Requires -Version 5.1
Set-StrictMode -Version 3.0

function ConvertTo-Slug {
    <#
    .SYNOPSIS
        Turns text into a lower-case, URL-safe slug.

    .DESCRIPTION
        Removes accents, replaces every run of characters other than letters and
        digits with one hyphen, trims hyphens from both ends and cuts the result
        to at most MaxLength characters.

    .PARAMETER Text
        The text to convert. Accepts pipeline input.

    .PARAMETER MaxLength
        The longest slug to return. The default is 50.

    .EXAMPLE
        ConvertTo-Slug -Text 'Nightly backup: West Europe'

        Returns 'nightly-backup-west-europe'.

    .OUTPUTS
        System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [AllowEmptyString()]
        [string] $Text,

        [ValidateRange(1, 200)]
        [int] $MaxLength = 50
    )

    process {
        $decomposed = $Text.Normalize([Text.NormalizationForm]::FormD)
        $plain = -join ($decomposed.ToCharArray() | Where-Object {
                [Globalization.CharUnicodeInfo]::GetUnicodeCategory($_) -ne 'NonSpacingMark'
            })
        $slug = ($plain.ToLowerInvariant() -replace '[^a-z0-9]+', '-').Trim('-')
        if ($slug.Length -gt $MaxLength) {
            $slug = $slug.Substring(0, $MaxLength).TrimEnd('-')
        }
        $slug
    }
}

function ConvertFrom-Slug {
    <#
    .SYNOPSIS
        Turns a slug back into words in title case.

    .DESCRIPTION
        Splits the slug at hyphens and capitalises each word. Accents and
        punctuation that ConvertTo-Slug removed cannot be restored.

    .PARAMETER Slug
        The slug to convert. Accepts pipeline input.

    .EXAMPLE
        ConvertFrom-Slug -Slug 'nightly-backup-west-europe'

        Returns 'Nightly Backup West Europe'.

    .OUTPUTS
        System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [ValidatePattern('^[a-z0-9]+(-[a-z0-9]+)*$')]
        [string] $Slug
    )

    process {
        $words = $Slug -split '-'
        (Get-Culture).TextInfo.ToTitleCase($words -join ' ')
    }
}

function Format-Duration {
    <#
    .SYNOPSIS
        Formats a time span as a short, readable duration.

    .DESCRIPTION
        Formats the duration as days, hours, minutes and seconds
        ('1d 02h 03m 04s'), leaving out leading parts that are zero
        ('4m 05s'), for job logs and notification text.

        Version 2.0.0 takes a TimeSpan: pass (New-TimeSpan -Seconds 3723) where
        version 1.0.0 took -Seconds 3723.

    .PARAMETER Duration
        The duration. Must not be negative.

    .EXAMPLE
        Format-Duration -Duration (New-TimeSpan -Hours 1 -Minutes 2 -Seconds 3)

        Returns '1h 02m 03s'.

    .EXAMPLE
        $job = Get-AzAutomationJob -ResourceGroupName 'rg' -AutomationAccountName 'aa' -Id $jobId
        Format-Duration -Duration ($job.EndTime - $job.StartTime)

        Formats how long an Automation job ran.

    .OUTPUTS
        System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateScript({ $_ -ge [TimeSpan]::Zero })]
        [TimeSpan] $Duration
    )

    process {
        if ($Duration.Days -gt 0) {
            '{0}d {1:00}h {2:00}m {3:00}s' -f $Duration.Days, $Duration.Hours, $Duration.Minutes, $Duration.Seconds
        }
        elseif ($Duration.Hours -gt 0) {
            '{0}h {1:00}m {2:00}s' -f $Duration.Hours, $Duration.Minutes, $Duration.Seconds
        }
        else {
            '{0}m {1:00}s' -f $Duration.Minutes, $Duration.Seconds
        }
    }
}

Export-ModuleMember -Function 'ConvertFrom-Slug', 'ConvertTo-Slug', 'Format-Duration'
