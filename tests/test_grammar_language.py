"""The PowerShell language as its about_* topics describe it: every documented form parses without error.

One table per topic; each row is valid Windows PowerShell 5.1 or PowerShell 7 code
(the row says which when it matters), written for this test.
"""

from __future__ import annotations

import pytest

from amkit.powershell.syntax import _parser

NUMERIC_LITERALS = {
    "decimal": "$a = 42",
    "hexadecimal": "$a = 0xFF",
    "binary (7.0)": "$a = 0b1010_1010".replace("_", ""),
    "real": "$a = 3.14159",
    "real without integer part": "$a = .5",
    "exponent": "$a = 6.02e23",
    "negative exponent": "$a = 1e-3",
    "long suffix": "$a = 9L",
    "decimal suffix": "$a = 1.5d",
    "unsigned suffixes (6.2)": "$a = 1u; $b = 1ul; $c = 1us; $d = 1uy",
    "signed byte and short (6.2)": "$a = 1y; $b = 1s",
    "bigint suffix (7.0)": "$a = 123456789012345678901234567890n",
    "multipliers": "$a = 1kb + 1mb + 1gb + 1tb + 1pb",
    "multiplier upper case": "$a = 2GB",
    "suffix and multiplier": "$a = 1Lkb",
    "hexadecimal long": "$a = 0x7FFFFFFFL",
    "real multiplier": "$a = 1.5mb",
    "negative": "$a = -1",
    "number in a range": "$a = 1..10",
    "descending range": "$a = 10..-2",
}

OPERATORS = {
    "arithmetic": "$a = 1 + 2 - 3 * 4 / 5 % 6",
    "unary minus and plus": "$a = -$b + +$c",
    "assignment operators": "$a += 1; $a -= 1; $a *= 2; $a /= 2; $a %= 2",
    "null-coalescing assignment (7.0)": "$a ??= 'default'",
    "increment and decrement": "$i++; $i--; ++$i; --$i",
    "multiple assignment": "$a, $b, $c = 1, 2, 3",
    "chained assignment": "$a = $b = 0",
    "equality": "$a -eq 1 -and $b -ne 2",
    "case-sensitive": "$a -ceq 'A' -or $a -ieq 'a'",
    "comparisons": "$a -gt 1 -and $a -lt 9 -and $a -ge 1 -and $a -le 9",
    "matching": "$a -like 'x*' -or $a -notlike '*y' -or $a -match '^z' -or $a -notmatch 'w'",
    "replace": "$a = $b -replace 'x', 'y'",
    "containment": "$a -contains 1 -or 1 -in $a -or $a -notcontains 2 -or 2 -notin $a",
    "type": "$a -is [string] -or $a -isnot [int]; $b = $a -as [int]",
    "logical": "$a = -not $b -xor !$c",
    "bitwise": "$a = 5 -band 3 -bor 8 -bxor 1; $b = -bnot 0; $c = 1 -shl 2 -shr 1",
    "split and join": "$a = 'a,b' -split ','; $b = -split 'a b'; $c = $a -join ';'; $d = -join $a",
    "format": "$a = '{0} {1:N2}' -f 'x', 3.14159",
    "call operator": "& $scriptBlock 1 2; & 'C:\\Program Files\\x.exe' /q",
    "dot-source": ". .\\helpers.ps1; . $PSScriptRoot\\lib.ps1",
    "cast": "$a = [int]'42'; $b = [datetime]::Now",
    "comma operator": "$a = ,1; $b = 1, 2, 3",
    "index": "$a = $b[0]; $c = $b[-1]; $d = $b[1..3]; $e = $h['key']",
    "member access": "$a = $b.Length; $c = $b.'Name'; $d = $b.$prop",
    "static member": "$a = [math]::Pi; $b = [System.IO.Path]::Combine('a', 'b')",
    "ternary (7.0)": "$a = $b ? 'yes' : 'no'",
    "null-coalescing (7.0)": "$a = $b ?? $c ?? 'none'",
    "null-conditional (7.0)": "$a = ${b}?.Name; $c = ${d}?[0]",
    "pipeline chain (7.0)": "Get-Item x && Write-Host ok || Write-Host failed",
    "background job (7.0)": "Start-Sleep 10 &",
    "subexpression": "$a = $(Get-Date).Year",
    "array subexpression": "$a = @(Get-ChildItem)",
    "hashtable": "$a = @{ Name = 'x'; Count = 1 }",
    "ordered hashtable": "$a = [ordered]@{ b = 2; a = 1 }",
    "redirection": "Get-Item x 2>$null; Get-Item y *>&1; Get-Item z 3>> log.txt; Get-Item w > out.txt",
    "pipeline": "Get-ChildItem | Where-Object Length -gt 1kb | Sort-Object Length -Descending",
}

SWITCH = {
    "plain": "switch ($a) { 1 { 'one' } 2 { 'two' } default { 'many' } }",
    "regex": "switch -Regex ($line) { '^a' { 1 } '^b' { 2 } }",
    "wildcard case-sensitive": "switch -Wildcard -CaseSensitive ($name) { 'a*' { 1 } }",
    "exact": "switch -Exact ($name) { 'a' { 1 } }",
    "file": "switch -File $path { 'x' { 1 } }",
    "array input": "switch (1, 2, 3) { { $_ -gt 1 } { $_ } }",
    "script block condition": "switch ($a) { { $_ -is [int] } { 'int'; break } default { continue } }",
    "quoted labels": "switch ($a) { 'two words' { 1 } \"with (parentheses)\" { 2 } }",
    "variable label": "switch ($a) { $b { 1 } }",
    "multi-line": "switch ($a)\n{\n    'x'\n    {\n        1\n    }\n    default\n    {\n        2\n    }\n}",
}

CLASSES = {
    "properties and method": (
        "class Point {\n    [int] $X\n    [int] $Y = 0\n    [int] Sum() { return $this.X + $this.Y }\n}"
    ),
    "constructors": "class P {\n    P() { }\n    P([int] $x) { $this.X = $x }\n    [int] $X\n}",
    "inheritance and base": "class B : A {\n    B([string] $n) : base($n) { }\n}",
    "interfaces": "class C : System.IComparable {\n    [int] CompareTo([object] $o) { return 0 }\n}",
    "static and hidden": (
        "class S {\n    static [int] $Count\n    hidden [string] $Secret\n"
        "    static [S] Create() { return [S]::new() }\n}"
    ),
    "attributes": "class R {\n    [ValidateNotNullOrEmpty()] [string] $Name\n    [ValidateRange(1, 10)] [int] $N\n}",
    "dsc resource": (
        "[DscResource()]\nclass F {\n    [DscProperty(Key)] [string] $Path\n    [F] Get() { return $this }\n}"
    ),
    "new instance": "$p = [Point]::new(); $q = New-Object Point",
    "enum": "enum Color { Red\n Green = 5\n Blue }",
    "flags enum": "[Flags()] enum Rights { Read = 1\n Write = 2\n All = 3 }",
    "enum with type": "enum Small : byte { A = 1 }",
    "method overload with typed array": (
        "class T {\n    [string[]] Split([string] $s, [char[]] $c) { return $s.Split($c) }\n}"
    ),
}

STRINGS = {
    "escapes": '$a = "tab`there`nnew line `"quoted`" `$not a variable `u{2603}"',
    "doubled quotes": '$a = \'it\'\'s\'; $b = "say ""hi"""',
    "variables and subexpressions": '$a = "Hello $name, today is $(Get-Date -Format d), $($p.Name)"',
    "braced and scoped variables": '$a = "${env:ProgramFiles(x86)} $env:PATH $script:x $using:y"',
    "verbatim here-string": "$a = @'\nNo $expansion here\n'@",
    "expandable here-string": '$a = @"\nHello $name\n$(Get-Date)\n"@',
    "here-string with quotes inside": "$a = @'\n'quoted' and \"double\"\n'@",
    "empty here-string": "$a = @'\n'@",
    "string with hash": '$a = "#not a comment"; $b = "a#b"',
    "format string with braces": "$a = 'x {{0}} {0}' -f 1",
    "multi-line string": "$a = 'line one\nline two'",
}

SPLATTING = {
    "hashtable": "$p = @{ Path = 'x'; Recurse = $true }\nGet-ChildItem @p",
    "array": "$a = 'x', 'y'\nCopy-Item @a",
    "bound parameters": "Get-Thing @PSBoundParameters",
    "splat and named": "Get-ChildItem @p -Force",
    "args": "function F { G @args }",
}

FUNCTIONS_AND_BLOCKS = {
    "simple with parameters": "function Add($a, $b) { $a + $b }",
    "advanced": (
        "function Get-X {\n    [CmdletBinding(SupportsShouldProcess)]\n    [OutputType([string])]\n    param(\n"
        "        [Parameter(Mandatory, ValueFromPipeline)] [string[]] $Name,\n        [switch] $Force\n    )\n"
        "    begin { }\n    process { foreach ($n in $Name) { $n } }\n    end { }\n}"
    ),
    "clean block (7.3)": "function F { process { 1 } clean { 2 } }",
    "dynamicparam": "function F {\n    [CmdletBinding()] param()\n    dynamicparam { $null }\n    process { }\n}",
    "filter": "filter Double { $_ * 2 }",
    "workflow (5.1)": "workflow W { parallel { 1; 2 } sequence { 3 } InlineScript { 4 } }",
    "scoped function names": "function global:G { }; function script:S { }",
    "script block with param": "$sb = { param($x) $x * 2 }; & $sb 3",
    "trap": "trap [System.Exception] { 'caught'; continue }",
    "try catch finally": (
        "try { 1 } catch [System.IO.IOException], [System.Net.WebException] { 2 } catch { 3 } finally { 4 }"
    ),
    "data section": "data Messages -SupportedCommand ConvertFrom-StringData { ConvertFrom-StringData 'a = b' }",
    "foreach parallel (7.0)": "1..3 | ForEach-Object -Parallel { $_ } -ThrottleLimit 2",
    "loops": "for ($i = 0; $i -lt 3; $i++) { }\nwhile ($true) { break }\ndo { } while ($false)\ndo { } until ($true)",
    "labelled loops": ":outer foreach ($a in 1..3) { :inner foreach ($b in 1..3) { continue outer } }",
    "flow control": "function F { return; exit 1; throw 'x' }",
    "using namespace": "using namespace System.Collections.Generic\n$l = [List[int]]::new()",
    "requires": "#Requires -Version 5.1\n#Requires -Modules @{ ModuleName = 'Az.Accounts'; ModuleVersion = '2.0.0' }",
    "comment-based help": "<#\n.SYNOPSIS\n    Does it.\n#>\nfunction F { }",
    "stop-parsing": "icacls X --% /grant Dom\\U:(CI)F",
    "end of parameters": "Write-Output -- -NotAParameter",
    "line continuation": "Get-ChildItem `\n    -Path x `\n    -Recurse",
    "pipeline continued on next line": (
        "Get-ChildItem |\n    Where-Object Name -like 'x*' |\n    Select-Object -First 1"
    ),
    "automatic variables": "$a = $_, $PSItem, $?, $^, $$, $args, $input, $PSScriptRoot",
    "statements as values": (
        "$x = switch ($a) { 1 { 2 } }; $y = foreach ($i in 1..3) { $i }; $z = try { 1 } catch { 2 }"
    ),
    "comments between arguments": "Get-X -Name a <# inline #> -Force\n$h = @{ a = 1 # note\n b = 2 }",
    "keywords as arguments": "Get-Command -CommandType Function\nWrite-Output if while function",
    "names in any script": "$größe = 1\nfunction Get-Größe { $größe; $x.Größe; @{ Größe = 1 } }\nGet-X -Größe 1",
    "module-qualified and path commands": "Microsoft.PowerShell.Core\\Get-Item x\ngit.exe status\n..\\x\\y.ps1 -A 1",
    "assignment in a condition": "while (($line = $reader.ReadLine()) -ne $null) { }",
    "calculated properties": "Get-X | Select-Object @{ n = 'a'; e = { $_.b } }, c",
    "validation attributes": (
        "param([Parameter(Mandatory = $true)][ValidateScript({ Test-Path $_ })]"
        "[ValidateSet('a', 'b', IgnoreCase = $false)][string] $x)"
    ),
}

TABLES = {
    "numeric literals": NUMERIC_LITERALS,
    "operators": OPERATORS,
    "switch": SWITCH,
    "classes": CLASSES,
    "strings and here-strings": STRINGS,
    "splatting": SPLATTING,
    "functions and blocks": FUNCTIONS_AND_BLOCKS,
}

CASES = [pytest.param(code, id=f"{topic}: {name}") for topic, table in TABLES.items() for name, code in table.items()]


@pytest.mark.parametrize("code", CASES)
def test_documented_powershell_parses_without_error(code: str) -> None:
    tree = _parser().parse((code + "\n").encode("utf-8"))
    assert not tree.root_node.has_error, code
