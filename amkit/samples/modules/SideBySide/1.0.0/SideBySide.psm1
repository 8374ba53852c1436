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

function Format-Duration {
    <#
    .SYNOPSIS
        Formats a number of seconds as a short, readable duration.

    .DESCRIPTION
        Formats the duration as hours, minutes and seconds ('1h 02m 03s'),
        leaving out hours when there are none ('4m 05s'), for job logs and
        notification text.

    .PARAMETER Seconds
        The duration in whole seconds. Must not be negative.

    .EXAMPLE
        Format-Duration -Seconds 3723

        Returns '1h 02m 03s'.

    .OUTPUTS
        System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateRange(0, [int]::MaxValue)]
        [int] $Seconds
    )

    process {
        $span = [TimeSpan]::FromSeconds($Seconds)
        $hours = [int][Math]::Floor($span.TotalHours)
        if ($hours -gt 0) {
            '{0}h {1:00}m {2:00}s' -f $hours, $span.Minutes, $span.Seconds
        }
        else {
            '{0}m {1:00}s' -f $span.Minutes, $span.Seconds
        }
    }
}

Export-ModuleMember -Function 'ConvertTo-Slug', 'Format-Duration'
