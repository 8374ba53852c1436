"""parse_script: the variables a script uses, those it sets at script level, those its functions take from outside."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import textwrap

import pytest

from amkit.errors import ScriptError
from amkit.limits import Limits
from amkit.powershell.script import AUTOMATIC_VARIABLES, FunctionInfo, ScriptInfo, VariableUse, parse_script


def ps(text: str) -> ScriptInfo:
    info = parse_script(textwrap.dedent(text).lstrip("\n"))
    assert info.errors == ()
    return info


def uses(items: tuple[VariableUse, ...]) -> list[tuple[str, str, int]]:
    return [(use.written, use.kind, use.line) for use in items]


def test_every_use_of_a_function_with_its_kind() -> None:
    info = ps(
        """
        $count = 0
        function F {
            param([int] $Step)
            $total += $Step
            $count++
            $cache['k'] = $Step
            foreach ($item in $list) { "$item" }
            $script:last = $item
            Set-Variable -Name made -Value 1
        }
        """
    )
    function = info.function("F")
    assert function is not None
    assert uses(function.variables) == [
        ("$Step", "parameter", 3),
        ("$total", "update", 4),
        ("$Step", "read", 4),
        ("$count", "update", 5),
        ("$cache", "modify", 6),
        ("$Step", "read", 6),
        ("$item", "assign", 7),
        ("$list", "read", 7),
        ("$item", "read", 7),
        ("$script:last", "assign", 8),
        ("$item", "read", 8),
        ("$made", "assign", 9),
    ]
    assert {use.function for use in function.variables} == {"F"}
    assert uses(info.variables) == [("$count", "assign", 1), *uses(function.variables)]
    assert uses(function.free_variables) == [
        ("$total", "update", 4),
        ("$count", "update", 5),
        ("$cache", "modify", 6),
        ("$list", "read", 7),
        ("$script:last", "assign", 8),
    ]


# Bodies of a function F and the variables it takes from outside itself, as written.
FREE = {
    "a read": ("$x", ["$x"]),
    "assigned first": ("$x = 1\n$x", []),
    "read, then assigned": ("$x\n$x = 1\n$x", ["$x"]),
    "its own value on the right": ("$x = $x + 1", ["$x"]),
    "incremented: read, then local": ("$x++\n$x", ["$x"]),
    "added to": ("$x += 1", ["$x"]),
    "an element set": ("$x['k'] = 1\n$x", ["$x", "$x"]),
    "a property set": ("$x.Name = 'a'", ["$x"]),
    "a typed assignment": ("[int]$x = 1\n$x", []),
    "several at once": ("$x, $y = 1, 2\n$x + $y", []),
    "a foreach variable": ("foreach ($x in 1..3) { $x }", []),
    "assigned with $local:": ("$local:x = 1\n$x", []),
    "Set-Variable without a scope": ("Set-Variable -Name x -Value 1\n$x", []),
    "Set-Variable -Scope Script": ("Set-Variable -Name x -Value 1 -Scope Script\n$x", ["$script:x", "$x"]),
    "$script: read": ("$x = 1\n$script:x", ["$script:x"]),
    "$global: written": ("$global:x = 1", ["$global:x"]),
    "in a string": ('"$x and $($y)"', ["$x", "$y"]),
    "splatted": ("Get-Thing @x", ["$x"]),
    "names ignore case": ("$Value = 1\n$value", []),
    "a script block's parameter": ("& { param($x) $x }", []),
    "drives and $using:": ("$env:Path; ${env:ProgramFiles}; $function:F; $using:x", []),
    "automatic and preference variables": (
        "$_; $PSItem; $args; $input; $this; $null; $true; $false; $PSScriptRoot; $PSCmdlet; "
        "$PSBoundParameters; $MyInvocation; $ErrorActionPreference; $VerbosePreference; $Matches; $LASTEXITCODE; "
        "$$; $?; $^",
        [],
    ),
}


@pytest.mark.parametrize(("body", "expected"), list(FREE.values()), ids=list(FREE))
def test_free_variables(body: str, expected: list[str]) -> None:
    function = ps("function F {\n" + textwrap.indent(body, "    ") + "\n}\n").functions[0]
    assert [use.written for use in function.free_variables] == expected


@pytest.mark.parametrize(
    "script",
    [
        "function F($x) { $x }",
        "function F {\n    param($x)\n    $x\n}",
        "filter F {\n    param([int] $x = 1)\n    $x\n}",
    ],
)
def test_parameters_are_the_functions_own(script: str) -> None:
    assert ps(script).functions[0].free_variables == ()


def test_scope_modifiers_and_drives() -> None:
    info = ps("$using:a; $workflow:b; ${script:c}; $env:Path; $$")
    assert [(use.scope, use.name) for use in info.variables] == [
        ("using", "a"),
        ("workflow", "b"),
        ("script", "c"),
        (None, "env:Path"),
        (None, "$"),
    ]


def test_a_parameter_default_is_read_from_outside() -> None:
    function = ps("function F {\n    param($Uri = $script:DefaultUri)\n}\n").functions[0]
    assert uses(function.free_variables) == [("$script:DefaultUri", "read", 2)]


def test_a_nested_function_gets_the_variables_of_the_functions_around_it() -> None:
    info = ps(
        """
        function Outer {
            param($p)
            $q = 1
            function Inner {
                $p; $q; $r; $s
            }
            $r = 2
        }
        """
    )
    outer, inner = info.functions
    assert uses(outer.variables) == [("$p", "parameter", 2), ("$q", "assign", 3), ("$r", "assign", 7)]
    assert uses(inner.variables) == [("$p", "read", 5), ("$q", "read", 5), ("$r", "read", 5), ("$s", "read", 5)]
    assert outer.free_variables == ()
    assert uses(inner.free_variables) == [("$s", "read", 5)]


def test_two_dashes_before_a_variable_in_an_argument_are_no_decrement() -> None:
    info = ps(
        """
        git commit --$option
        function Invoke-Test { npm test -- --$mode }
        """
    )
    assert info.errors == ()
    assert info.script_assignments == () and info.functions[0].free_variables == ()


def test_script_assignments_are_what_the_script_sets_in_its_own_scope() -> None:
    info = ps(
        """
        param($ModuleParameter)
        $a = 1
        $script:b = 2
        $global:c = 3
        $d++
        [int]$e = 4
        Set-Variable -Name f -Value 5
        foreach ($g in 1..2) { }
        $h['k'] = 1
        $env:Path = 'x'
        $i
        Register-ArgumentCompleter -CommandName X -ScriptBlock { param($word) $word }
        class C { [void] M() { $inMethod = 1 } }
        function F { $inFunction = 1 }
        """
    )
    assert uses(info.script_assignments) == [
        ("$ModuleParameter", "parameter", 1),
        ("$a", "assign", 2),
        ("$script:b", "assign", 3),
        ("$global:c", "assign", 4),
        ("$d", "update", 5),
        ("$e", "assign", 6),
        ("$f", "assign", 7),
        ("$g", "assign", 8),
    ]
    assert {use.function for use in info.script_assignments} == {None}


def test_a_class_sets_nothing_of_the_script_but_what_follows_it_does() -> None:
    info = ps(
        """
        $before = 1
        class C {
            [void] M() { $inMethod = 1; Set-Variable -Name setInMethod -Value 1 }
        }
        $after = 2
        Set-Variable -Name setAfter -Value 3
        """
    )
    assert uses(info.script_assignments) == [
        ("$before", "assign", 1),
        ("$after", "assign", 5),
        ("$setAfter", "assign", 6),
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("$a = 1\n  $b", (2, 3)),
        ("$a = 1\r\n  $b", (2, 3)),
        ("$a = 1\r  $b", (2, 3)),  # a lone CR ends a line for PowerShell
        ("$a = 'é'; $b", (1, 11)),  # columns count characters, not bytes
        ("$a = 'é'\r$x = 'ü'; $b", (2, 11)),
    ],
)
def test_a_use_is_placed_by_powershells_lines_and_characters(text: str, where: tuple[int, int]) -> None:
    use = ps(text).variables[-1]
    assert (use.name, use.line, use.column) == ("b", *where)


def test_automatic_variables_are_listed_in_lower_case() -> None:
    wanted = "_ psitem args input this null true false psscriptroot pscmdlet psboundparameters myinvocation"
    assert set(wanted.split()) | {"erroractionpreference", "confirmpreference", "$", "?", "^"} <= AUTOMATIC_VARIABLES
    assert all(name == name.casefold() for name in AUTOMATIC_VARIABLES)


# What a script uses, read later (defer_usage) ------------------------------------------------

STATEFUL = """
$script:cache = @{}
$limit = 10
Import-Module Az.Accounts
function Get-Thing {
    param($Name)
    $script:cache[$Name] = $limit
    Set-Variable -Name last -Value $Name -Scope Global
    function Inner { $Name; $other; Get-Date }
    Write-Output $Name
}
"""


def every_usage_field(info: ScriptInfo) -> list[object]:
    fields: list[object] = [info.commands, info.variables, info.script_assignments, info.scope_writes]
    for function in info.functions:
        fields += [function.commands, function.variables, function.free_variables, function.scope_writes]
    return fields


def test_usage_read_later_is_what_is_read_at_once() -> None:
    text = textwrap.dedent(STATEFUL)
    later = parse_script(text, defer_usage=True)
    assert not later.usage_read
    assert [function.name for function in later.functions] == ["Get-Thing", "Inner"]  # the rest is read now
    at_once = parse_script(text)
    assert at_once.usage_read
    assert every_usage_field(later) == every_usage_field(at_once)
    assert later.usage_read
    assert uses(later.functions[1].free_variables) == [("$other", "read", 9)]
    assert [write.target for write in later.scope_writes] == ["$script:cache", "$script:cache[$Name]", "Set-Variable"]
    assert later.commands == ("Import-Module", "Set-Variable", "Get-Date", "Write-Output")
    assert [function.commands for function in later.functions] == [("Set-Variable", "Write-Output"), ("Get-Date",)]
    assert later == at_once


def test_imports_exports_and_aliases_are_read_with_the_rest_not_later() -> None:
    text = textwrap.dedent("""
        Microsoft.PowerShell.Core\\Import-Module -Name Az.Accounts
        & 'ipmo' Az.Storage
        function Get-Thing { Import-Module Az.Compute; Get-Date }
        Set-Alias -Name gt -Value Get-Thing
        nal -Name gd -Value Get-Date
        Export-ModuleMember -Function Get-Thing -Alias gt
        function Get-Other { Export-ModuleMember -Function Nothing }
    """)
    later, at_once = parse_script(text, defer_usage=True), parse_script(text)
    read = (later.module_references, later.exports, dict(later.aliases))
    assert read == (at_once.module_references, at_once.exports, dict(at_once.aliases))
    assert not later.usage_read
    assert [(reference.name, reference.function) for reference in later.module_references] == [
        ("Az.Accounts", None),
        ("Az.Storage", None),
        ("Az.Compute", "Get-Thing"),
    ]
    assert later.exports is not None and (later.exports.functions, later.exports.aliases) == (("Get-Thing",), ("gt",))
    assert dict(later.aliases) == {"gt": "Get-Thing", "gd": "Get-Date"}


@pytest.mark.parametrize(
    ("one", "other"), [("function F { $a }", "function F { $b }"), ("function F { A }", "function F { B }")]
)
def test_scripts_differing_only_in_what_they_use_are_not_equal(one: str, other: str) -> None:
    first, second = parse_script(one, defer_usage=True), parse_script(other, defer_usage=True)
    assert first.functions[0].name == second.functions[0].name
    assert first != second
    assert first.functions[0] != second.functions[0]
    assert first == parse_script(one)


def test_a_pickled_script_reads_its_variables_from_its_text() -> None:
    text = textwrap.dedent(STATEFUL)
    later = pickle.loads(pickle.dumps(parse_script(text, defer_usage=True)))
    assert not later.usage_read
    assert every_usage_field(later) == every_usage_field(parse_script(text))
    read = pickle.loads(pickle.dumps(later))  # read already: the pickle holds what was read
    assert read.usage_read
    assert every_usage_field(read) == every_usage_field(later)


def test_reading_variables_later_keeps_to_the_time_limit() -> None:
    # No command, comment or function: reading the rest sees no node, the variables 3,000.
    text = "$a = " + " + ".join(f"$v{n}" for n in range(3000))
    info = parse_script(text, file="Slow.ps1", limits=Limits(max_parse_seconds=1e-9), defer_usage=True)
    assert info.functions == ()
    with pytest.raises(ScriptError, match="max_parse_seconds") as raised:
        _ = info.variables
    assert raised.value.file == "Slow.ps1"
    assert raised.value.line == 1


def test_a_script_and_its_functions_copy_pickle_and_convert_with_their_variables() -> None:
    text = textwrap.dedent(STATEFUL)
    read = parse_script(text)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        for info in (parse_script(text, defer_usage=True), read):
            again = pickle.loads(pickle.dumps(info, protocol=protocol))
            assert every_usage_field(again) == every_usage_field(read)
            function = pickle.loads(pickle.dumps(info.functions[0], protocol=protocol))
            assert function == read.functions[0]
    assert copy.deepcopy(parse_script(text, defer_usage=True)) == read
    later = dataclasses.replace(parse_script(text, defer_usage=True), file="Renamed.ps1")
    assert (later.file, every_usage_field(later)) == ("Renamed.ps1", every_usage_field(read))
    fields = dataclasses.asdict(parse_script(text, defer_usage=True))
    assert fields["variables"] == tuple(dataclasses.asdict(use) for use in read.variables)
    free = read.functions[1].free_variables
    assert fields["functions"][1]["free_variables"] == tuple(dataclasses.asdict(use) for use in free)


def test_a_function_pickled_alone_holds_its_own_variables_not_its_scripts() -> None:
    text = "\n".join(f"function F{n} {{ $script:v{n} = $a{n} + $b{n} }}" for n in range(300))
    info = parse_script(text)
    alone = pickle.dumps(info.functions[0])
    assert len(alone) * 50 < len(pickle.dumps(info))
    assert pickle.loads(alone) == info.functions[0]


def test_a_function_made_by_hand_equals_one_read_that_uses_no_variable() -> None:
    read = parse_script("function Get-Thing { Get-Date }").functions[0]
    made = FunctionInfo(name="Get-Thing", kind="function", line=1, column=1, end_line=1, commands=("Get-Date",))
    assert (made.variables, made.free_variables, made.scope_writes) == ((), (), ())
    assert dataclasses.replace(read, help=None) == made
    with pytest.raises(AttributeError, match="no attribute 'undefined'"):
        _ = made.undefined  # type: ignore[attr-defined]


def test_variables_given_by_hand_are_kept() -> None:
    use = VariableUse("x", None, "read", 1, 1, "F")
    made = FunctionInfo("F", "function", 1, 1, 1, variables=(use,), free_variables=(use,))
    assert (made.variables, made.free_variables, made.scope_writes) == ((use,), (use,), ())
    script = ScriptInfo(file="F.ps1", functions=(made,), variables=(use,))
    assert (script.variables, script.script_assignments, script.usage_read) == ((use,), (), True)
    read = parse_script("function F { $x }", defer_usage=True)
    assert dataclasses.replace(read, variables=(use,)).variables == read.variables  # a read script's come from it
    assert dataclasses.replace(read.functions[0], variables=(use,)).variables == (
        VariableUse("x", None, "read", 1, 14, "F"),
    )


def test_a_reading_that_ran_out_of_time_is_refused_again_and_tried_again_where_unpickled() -> None:
    text = "$a = " + " + ".join(f"$v{n}" for n in range(3000))
    info = parse_script(text, file="Slow.ps1", limits=Limits(max_parse_seconds=1e-9), defer_usage=True)
    for _ in range(2):
        with pytest.raises(ScriptError, match="max_parse_seconds"):
            _ = info.scope_writes
    with pytest.raises(ScriptError, match="max_parse_seconds"):
        _ = pickle.loads(pickle.dumps(info)).variables
    assert not hasattr(info, "_repr_html_")  # probing for notebook displays reads nothing


def test_a_function_ends_on_the_line_powershell_counts_after_a_lone_cr() -> None:
    info = parse_script("function F {\r  1\r}\rfunction G {\n}")
    assert [(function.name, function.line, function.end_line) for function in info.functions] == [
        ("F", 1, 3),
        ("G", 4, 5),
    ]
