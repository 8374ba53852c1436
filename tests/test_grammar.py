"""amkit's PowerShell grammar: built from the committed sources, and reading valid PowerShell without errors."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import amkit.powershell.syntax
from amkit.powershell.syntax import _parser

if TYPE_CHECKING:
    from tree_sitter import Node

GRAMMAR = Path(amkit.powershell.syntax.__file__).parent / "grammar"


def test_the_committed_parser_was_generated_from_the_committed_grammar() -> None:
    recorded = {}
    for line in (GRAMMAR / "src" / "generated-from.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        recorded[name] = digest
    current = {name: hashlib.sha256((GRAMMAR / name).read_bytes()).hexdigest() for name in recorded}
    assert recorded == current, "grammar.js or src/scanner.c changed without `make grammar`"
    assert set(recorded) == {"grammar.js", "src/scanner.c"}


def test_the_committed_parser_is_compiled_with_the_optimiser_on() -> None:
    # `make grammar` removes the block with which tree-sitter turns it off for large parsers.
    assert "optimize" not in (GRAMMAR / "src" / "parser.c").read_text(encoding="utf-8")


def _tree(code: str) -> Node:
    return _parser().parse(code.encode("utf-8")).root_node


def _types(node: Node) -> list[str]:
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        found.append(current.type)
        stack.extend(reversed(current.children))
    return found


#: Valid PowerShell the upstream grammar rejected, one row per fix in grammar/CHANGES.md, with a node type
#: that shows it was read as PowerShell reads it.
VALID = [
    pytest.param(
        "Mock -CommandName Get-Item -MockWith {}\n[scriptblock]$x = {}\n",
        "script_block_expression",
        id="empty-script-block",
    ),
    pytest.param("$mb = $bytes / 1MB\n$big = 10GB + 1kb\n", "decimal_integer_literal", id="multiplier-any-case"),
    pytest.param("$a = 5L + 0x10L + 1uy + 2n + 3us + 1.5d\n", "decimal_integer_literal", id="type-suffixes"),
    pytest.param("$flags = 0b1010\n", "binary_integer_literal", id="binary-literal"),
    pytest.param("Connect-Vpn -Tls12 -IPv4 $address -List1 a\n", "command_parameter", id="parameter-with-digits"),
    pytest.param('$root = $arm64 ? "arm" : "x64"\n', "ternary_expression", id="ternary"),
    pytest.param("$q.Invoke($a ? 1 : 2)\n", "ternary_expression", id="ternary-in-method-argument"),
    pytest.param("$name = $given ?? $default ?? 'none'\n$cache ??= @{}\n", "coalesce_expression", id="null-coalescing"),
    pytest.param(
        "${regKey}?.Dispose()\n$first = ${list}?[0]\n$n = ${o}?.Name\n", "invokation_expression", id="null-conditional"
    ),
    pytest.param(
        ":outer foreach ($a in $b) { while ($true) { break outer } }\n", "label_expression", id="break-bare-label"
    ),
    pytest.param(
        "$keys = $sets.Where{ $_.Name -eq $n }.Parameters.Keys\n",
        "invokation_foreach_expression",
        id="where-without-parentheses",
    ),
    pytest.param(
        "$t = $s.ForEach( { $_.Trim() })\n$u = $s.ForEach({ $_ })\n", "argument_list", id="foreach-with-parentheses"
    ),
    pytest.param(
        "Export-ModuleMember -Function Get-A, Get-B\nselect Name, Ipaddress\n",
        "array_literal_expression",
        id="bare-word-list",
    ),
    pytest.param(
        "Format-List -Property Name, 'Alias', @{ Label = 'X'; Expression = { $_.X } }, Rest\n",
        "hash_literal_expression",
        id="mixed-argument-list",
    ),
    pytest.param(
        "Stop-It -Values $item.GetType().Name, $item -Continue\n", "invokation_expression", id="method-call-in-argument"
    ),
    pytest.param("# nothing but a comment\n", "comment", id="comment-only-file"),
    pytest.param("$f = [System.Environment+SpecialFolder]::LocalApplicationData\n", "type_name", id="nested-type"),
    pytest.param(
        "[OutputType([System.Collections.Generic.List`1[int]])]\nparam()\n", "param_block", id="generic-arity"
    ),
    pytest.param(
        "$d = [System.Collections.Generic.Dictionary[[string],[object]]]::new()\n",
        "generic_type_arguments",
        id="bracketed-generic-arguments",
    ),
    pytest.param(
        "switch ($a) { 'x y' { 1 } \"Dari (Afghanistan)\" { 2 } default { 3 } }\n",
        "switch_clause",
        id="quoted-switch-labels-on-one-line",
    ),
    pytest.param(
        "[DscResource(RunAsCredential = 'Optional')]\nclass Config : Base.Resource, IComparable {\n"
        "    [DscProperty(Key)] [ValidateSet('a', 'b')] [string] $Kind\n"
        "    Config() : base ($PSScriptRoot) { }\n"
        "    hidden [void] Assert([ValidateNotNull()][hashtable] $p) { }\n"
        "    static [int] Count() { return 1 }\n}\n",
        "class_statement",
        id="class-attributes-base-constructor",
    ),
    pytest.param("[Flags()]\nenum Access : byte { Read = 1\n Write = 0x2 }\n", "enum_statement", id="enum-attributes"),
    pytest.param("./build.ps1 -Tasks noop 4>&1 5>&1 > $null\n& /usr/bin/env ls\n", "command_name", id="slash-command"),
    pytest.param("$r | Should -BeOfType [$type]\nWrite-Output [int]\n", "generic_token", id="bracket-bare-word"),
    pytest.param("([ValidateRange(0, 10)]$days = 5)\n", "attributed_variable", id="attributed-assignment"),
    pytest.param(
        "New-X -Property @{\n  Value = if ($a)\n  {\n    1\n  }\n  # two\n"
        "  elseif ($b) { 2 }\n  else\n  {\n    3\n  }\n}\n",
        "else_clause",
        id="else-on-a-later-line-in-a-hashtable",
    ),
    pytest.param(
        "$h = @{ a = try { 1 }\n  catch { 2 }\n  finally { 3 } }\n", "finally_clause", id="catch-on-a-later-line"
    ),
    pytest.param(
        "using module Dsc.Common\nusing namespace System.Text\n[Attr('x', '')]\nparam()\nWrite-Host 1\n",
        "using_statement",
        id="using-before-param",
    ),
    pytest.param(
        "Write-Verbose -Message ( @(\n    $($a) `\n        -f $Name `\n) -join '' )\n",
        "format_expression",
        id="backtick-before-closing-line",
    ),
    pytest.param("Set-Item `\n    -Name $a `\n\nWrite-Host 2\n", "command_parameter", id="backtick-before-blank-line"),
    pytest.param("$members += @( $user1` )\n", "array_expression", id="backtick-before-blank"),
    pytest.param(
        'Write-Host "PR: $Owner/$Repo#$PR" -ForegroundColor $c\n"#"; "# x"\n',
        "variable",
        id="hash-after-variable-in-string",
    ),
    pytest.param(
        "git init --initial-branch=main\nchoco install -y --version=$version -s .\n",
        "generic_token",
        id="double-dash-words",
    ),
    pytest.param(
        "Get-Item \u2013Path x \u2014Force\nfoo -- -bar\n",
        "command_parameter",
        id="typographic-dash-and-end-of-parameters",
    ),
    pytest.param(
        'Write-Host "Status: "$ok.Value ""\nchmod 755 $Destination/pwsh\nTest-Path $Env:SystemDrive\\Logs\n',
        "composite_argument",
        id="parts-of-one-argument",
    ),
    pytest.param(
        "Configuration Web {\n  Node localhost {\n    IisFeatureDelegation runtime\n    {\n"
        "      Filter = '/system.webServer/serverRuntime'\n      Data = 1, 2\n    }\n  }\n}\n",
        "command_elements",
        id="keyword-as-dsc-property",
    ),
    pytest.param(
        "param($a)\nbegin { 1 }\nprocess\n{\n  2\n}\nend { 3 }\n", "named_block_list", id="script-named-blocks"
    ),
    pytest.param(
        "$a = 1\r$b = 2\rfunction F {\r  'x'\r}\rSet-X `\r  -Name 1\r", "function_statement", id="cr-line-endings"
    ),
    pytest.param("$v = @'\n'@\n$e = @\"\n\"@\n", "verbatim_here_string_characters", id="empty-here-strings"),
    pytest.param(
        '$s = @"\n\n<#x\n#>\n$(Get-Date)\n$name\n"@\n', "sub_expression", id="here-string-lines-starting-with-dollar"
    ),
    pytest.param(
        "$s = \u2018it\u2019\u2019s\u2019 + \u201csay \u201c\u201chi\u201d\u201d $x\u201d\n"
        "if ($a \u2013eq 1) { Get-Item \u2014Path x }\n",
        "comparison_operator",
        id="typographic-quotes-and-dashes",
    ),
    pytest.param(
        "[OutputType([string], ParameterSetName = 'A')]\n[OutputType([string], [int])]\nparam()\n",
        "attribute_arguments",
        id="type-then-named-attribute-argument",
    ),
    pytest.param(
        "$d = \u201ctwo words\u201d\n$n = \u20135\n", "expandable_string_literal", id="typographic-starts-no-command"
    ),
    pytest.param("$a = 1.\n$b = @(1., 2.)\nfunction F { return 1. }\n", "real_literal", id="real-with-trailing-dot"),
    pytest.param(
        "if ($a -cnotin $b -and $c -iin $d -or $e -inotlike 'x') { $f = $g -isplit ',' }\n",
        "comparison_operator",
        id="case-prefixed-operators",
    ),
    pytest.param(
        "$null = [Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, "
        "ContentType = WindowsRuntime]\n",
        "assembly_name",
        id="assembly-qualified-type",
    ),
    pytest.param("Get-Param -FailIfEmpty -\n\nfunction F ($a) { }\n", "function_statement", id="bare-dash-argument"),
    pytest.param(
        "function Get-Tool { [OutputType([int])] param() $x + 1 }\n$sb = { param($y) $y * 2 }\n",
        "param_block",
        id="statements-after-param-on-its-line",
    ),
    pytest.param(
        'Write-Host\t"x"\nGet-Item -Path\t\tC:\\a -Force\nGet-X -Name\u00a0a\n',
        "command_argument_sep",
        id="tab-separates-arguments",
    ),
    pytest.param(
        "Process-Item $a\n$x = ForEach-Object -Process { 1 }\nDo-Work\nBegin-Process\nEnd-Job\nParam-X\n"
        "Data-Y\nSequence-Z\nDynamicParam-Q\nConfiguration-R\nInlineScript-S\n",
        "command_name",
        id="keyword-dash-command-names",
    ),
    pytest.param("Using-Object ($a) { }\nClean-Up\n", "command_name", id="using-and-clean-dash-command-names"),
    pytest.param("Classify $item\nEnumerate-Disks\nclasses\n", "command_name", id="class-and-enum-prefixed-commands"),
    pytest.param(
        "[DscLocalConfigurationManager()]\nConfiguration Lcm { Settings { RefreshMode = 'Push' } }\n",
        "attribute_list",
        id="attributed-configuration",
    ),
    pytest.param(
        "workflow W { foreach -parallel -throttlelimit 5 ($i in $a) { $i } }\n",
        "foreach_parameter",
        id="throttle-limit",
    ),
    pytest.param(
        "workflow W {\n InlineScript { 1 } -PSComputerName $c\n"
        " $r = InlineScript { 2 } -PSComputerName 'a', 'b' -PSAuthentication Default -PSPersist\n Get-Date\n}\n",
        "inlinescript_parameter",
        id="inlinescript-parameters",
    ),
    pytest.param(
        "Remove-Item -Path C:\\Users\\$($_.Name)\\AppData -Recurse\nGet-X a${b}c cost$ a$%b\n",
        "sub_expression",
        id="expansions-inside-a-bare-word",
    ),
    pytest.param(
        "docker ps --format='{{.Names}}'\nmsbuild /p:Define=\"(DEBUG)\"\n",
        "verbatim_string_characters",
        id="quoted-part-of-a-word",
    ),
    pytest.param(
        'Start-Process -FilePath `"$exe`" -Wait\nGet-X a`$b `#c\n', "composite_argument", id="escape-starts-a-word"
    ),
    pytest.param("$r | Should -BeOfType [$type]\n", "generic_token", id="bracketed-word-with-a-variable"),
    pytest.param(
        "git checkout -- $file\ngit checkout -- .\ndotnet run -- a b\n", "command_parameter", id="end-of-parameters"
    ),
    pytest.param(
        "class ByPriority : System.Collections.Generic.IComparer[Job], IDisposable { }\n",
        "generic_type_arguments",
        id="generic-base-class",
    ),
    pytest.param(
        "$t = [Collections.Generic.List``1].MakeGenericType($x)\n", "type_literal", id="escaped-generic-arity"
    ),
    pytest.param("Invoke-Command { $using:env:COMPUTERNAME; $global:env:PATH }\n", "variable", id="scope-and-drive"),
    pytest.param(
        "cmake -DCMAKE_BUILD_TYPE=Release ..\nWrite-Host $a -> $b\n",
        "command_parameter",
        id="parameter-with-punctuation",
    ),
    pytest.param(
        '& $candle -dWIN64="$($x[$i])" -arch x64\ngo test ./... -coverprofile=$env:TEMP\\cover.out\n',
        "composite_argument",
        id="parameter-like-argument",
    ),
    pytest.param(
        "Set-Location C:\\Program` Files\\App\nWrite-Host [a]\"b c\" [a]'b c'\n",
        "composite_argument",
        id="escaped-blank-in-a-word",
    ),
    pytest.param(
        "workflow W {\n InlineScript { Get-Process } | Select-Object Name\n"
        " $r = InlineScript { 2 } -PSComputerName a, b | Sort-Object\n}\n",
        "inlinescript_statement",
        id="inlinescript-piped",
    ),
]


@pytest.mark.parametrize(("code", "node_type"), VALID)
def test_valid_powershell_parses_without_error(code: str, node_type: str) -> None:
    root = _tree(code)
    assert not root.has_error, code
    assert node_type in _types(root)


def test_a_method_call_in_an_argument_keeps_its_parentheses() -> None:
    command = _tree("Write-Output $item.GetType().Name\n")
    assert "argument_list" in _types(command)
    assert "parenthesized_expression" not in _types(command)


def test_a_bare_word_before_parentheses_is_two_arguments() -> None:
    assert "parenthesized_expression" in _types(_tree("Write-Output foo(1)\n"))


def test_a_type_literal_before_a_variable_stays_a_cast() -> None:
    assert "cast_expression" in _types(_tree("[int]$count = 2\n"))


def test_a_word_that_starts_with_else_is_a_new_statement() -> None:
    root = _tree("if ($a) { 1 }\nelsewhere\n")
    assert not root.has_error
    assert "else_clause" not in _types(root)


def test_a_braced_variable_in_a_string_is_a_variable() -> None:
    string = _tree('"${env:ProgramFiles(x86)}\\x"\n')
    assert "braced_variable" in _types(string)
    assert _types(string).index("variable") < _types(string).index("braced_variable")


def test_a_member_or_element_after_a_variable_argument_stays_an_expression() -> None:
    types = _types(_tree("Get-X -Path $file.FullName -Name $list[0]\n"))
    assert "member_access" in types
    assert "element_access" in types
    assert "composite_argument" not in types


def test_a_here_string_is_not_closed_mid_line_nor_swallows_the_next_one() -> None:
    root = _tree("$a = @'\nx '@ y\n'@\n$b = 1\n$c = @'\nz\n'@\n")
    assert not root.has_error
    assert _types(root).count("verbatim_here_string_characters") == 2
    assert _types(root).count("assignment_expression") == 3


def test_a_comma_after_a_cast_separates_attribute_arguments() -> None:
    root = _tree("[OutputType([string], [int])]\nparam()\n")
    assert _types(root).count("attribute_argument") == 2


@pytest.mark.parametrize("code", ["$r = 1..5\n", "$v = 1.5\n", "Copy-Item 1.txt -Version 1.2.3\n"])
def test_a_trailing_dot_real_leaves_ranges_and_dotted_words_alone(code: str) -> None:
    assert not _tree(code).has_error
    assert "real_literal" not in _types(_tree(code)) or code == "$v = 1.5\n"


@pytest.mark.parametrize("code", ["$a = 5 - 3\n", "$b = -$c\n", "foo - bar | Out-Null\n"])
def test_a_dash_between_operands_stays_an_operator(code: str) -> None:
    root = _tree(code)
    assert not root.has_error
    assert ("generic_token" in _types(root)) == code.startswith("foo")
