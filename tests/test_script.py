"""parse_script: functions, help, parameters, commands, scope writes, module references, errors."""

from __future__ import annotations

import codecs
import textwrap
from pathlib import Path

import pytest

from amkit.errors import ScriptError
from amkit.powershell.comment_help import parse_help
from amkit.powershell.script import ScriptInfo, parse_script


def ps(text: str, *, file: str | None = None, strict: bool = False) -> ScriptInfo:
    return parse_script(textwrap.dedent(text).lstrip("\n"), file=file, strict=strict)


def only_function(text: str):
    info = ps(text)
    assert info.errors == ()
    assert len(info.functions) == 1
    return info.functions[0]


# -- comment-based help: where PowerShell looks for it ------------------------------------

HELP_PLACES = {
    "block comment before the keyword": (
        """
        <#
        .SYNOPSIS
        Gets a thing.
        #>
        function Get-Thing { }
        """,
        "Gets a thing.",
    ),
    "line comments before the keyword": (
        """
        # .SYNOPSIS
        # Gets a thing.
        function Get-Thing { }
        """,
        "Gets a thing.",
    ),
    "one blank line before the keyword": (
        """
        <# .SYNOPSIS
        Gets a thing. #>

        function Get-Thing { }
        """,
        "Gets a thing.",
    ),
    "first thing in the body": (
        """
        function Get-Thing {
            <#
            .SYNOPSIS
                Gets a thing.
            #>
            param($Name)
        }
        """,
        "Gets a thing.",
    ),
    "in the body after a comment block that is not help": (
        """
        function Get-Thing {
            # just a remark

            # .SYNOPSIS
            #   Gets a thing.
            Get-ChildItem
        }
        """,
        "Gets a thing.",
    ),
    "last thing in the body": (
        """
        function Get-Thing {
            Get-ChildItem
            <#
            .SYNOPSIS
            Gets a thing.
            #>
        }
        """,
        "Gets a thing.",
    ),
    "before wins over the body": (
        """
        <#
        .SYNOPSIS
        Before.
        #>
        function Get-Thing {
            <#
            .SYNOPSIS
            Inside.
            #>
        }
        """,
        "Before.",
    ),
    "two blank lines before the keyword": (
        """
        <#
        .SYNOPSIS
        Too far.
        #>


        function Get-Thing { }
        """,
        None,
    ),
    "no help keyword": (
        """
        <#
        Gets a thing, but says so without a keyword.
        #>
        function Get-Thing { }
        """,
        None,
    ),
    "text before the first keyword": (
        """
        # Gets a thing.
        # .SYNOPSIS
        # Gets a thing.
        function Get-Thing { }
        """,
        None,
    ),
    "an unknown keyword": (
        """
        <#
        .SYNOPSIS
        Gets a thing.
        .RETURNVALUE
        A thing.
        #>
        function Get-Thing { }
        """,
        None,
    ),
    "text on the keyword's own line": (
        """
        <#
        .SYNOPSIS Gets a thing.
        #>
        function Get-Thing { }
        """,
        None,
    ),
    "a statement between comment and body end": (
        """
        function Get-Thing {
            <# .SYNOPSIS
            Gets a thing. #>
            Get-ChildItem
            Get-Item
            # .SYNOPSIS
        }
        """,
        "Gets a thing.",
    ),
}


@pytest.fixture(params=list(HELP_PLACES), ids=list(HELP_PLACES))
def help_place(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    return HELP_PLACES[request.param]


def test_help_is_found_where_get_help_looks(help_place: tuple[str, str | None]) -> None:
    text, synopsis = help_place
    function = only_function(text)
    assert (function.help.synopsis if function.help else None) == synopsis


def test_help_sections() -> None:
    function = only_function(
        """
        function Get-Thing {
        <#
            .SYNOPSIS
                Gets a thing.

            .DESCRIPTION
                First line.
                    Indented line.
              Less indented.

            .PARAMETER Name
                The name.
            .parameter name
                Ignored: the first section for a name wins.
            .EXAMPLE
                PS> Get-Thing -Name a

                Gets a.
            .EXAMPLE
                Get-Thing b
            .INPUTS
                System.String
            .OUTPUTS
                System.IO.FileInfo
            .NOTES
                Author: someone
            .LINK
                https://example.com/get-thing

                more text
            .LINK
                Set-Thing
            .COMPONENT
                Storage
            .ExternalHelp Thing-help.xml
        #>
            param($Name)
        }
        """
    )
    help_ = function.help
    assert help_ is not None
    assert help_.synopsis == "Gets a thing."
    # PowerShell strips as much leading whitespace as the section's first line has, no more.
    assert help_.description == "First line.\n    Indented line.\nLess indented."
    assert dict(help_.parameters) == {"Name": "The name."}
    assert help_.parameters["NAME"] == "The name."
    assert help_.examples == ("PS> Get-Thing -Name a\n\nGets a.", "Get-Thing b")
    assert help_.inputs == ("System.String",)
    assert help_.outputs == ("System.IO.FileInfo",)
    assert help_.notes == "Author: someone"
    assert help_.links == ("https://example.com/get-thing", "Set-Thing")
    assert help_.component == "Storage"
    assert help_.external_help == "Thing-help.xml"
    assert help_.keywords["LINK"] == ("https://example.com/get-thing\n\nmore text", "Set-Thing")
    assert list(help_.keywords) == [
        "SYNOPSIS",
        "DESCRIPTION",
        "PARAMETER",
        "EXAMPLE",
        "INPUTS",
        "OUTPUTS",
        "NOTES",
        "LINK",
        "COMPONENT",
        "EXTERNALHELP",
    ]
    assert function.parameter("name").help == "The name."


@pytest.mark.parametrize(
    ("text", "synopsis"),
    [
        ("<#\n.SYNOPSIS\nx\n#>", "x"),
        ("<# .Synopsis\n   Indented #>", "Indented"),
        ("## .SYNOPSIS", ""),
        ("# hello", None),
        ("<#\n.PARAMETER\nno name\n#>", None),
    ],
)
def test_parse_help(text: str, synopsis: str | None) -> None:
    found = parse_help(text)
    assert (found.synopsis if found else None) == synopsis


def test_script_help_at_the_top_and_not_when_a_function_follows() -> None:
    info = ps(
        """
        <#
        .SYNOPSIS
        The runbook.
        #>
        param([string] $Name)
        Write-Output $Name
        """
    )
    assert info.help is not None and info.help.synopsis == "The runbook."
    belongs_to_function = ps(
        """
        <#
        .SYNOPSIS
        The function.
        #>
        function Get-Thing { }
        """
    )
    assert belongs_to_function.help is None
    assert belongs_to_function.functions[0].help.synopsis == "The function."


def test_script_help_at_the_end() -> None:
    info = ps(
        """
        Write-Output 1

        <#
        .SYNOPSIS
        At the end.
        #>
        """
    )
    assert info.help is not None and info.help.synopsis == "At the end."


# -- parameters -------------------------------------------------------------------------

MANDATORY = {
    "[Parameter(Mandatory)]": True,
    "[Parameter(Mandatory=$true)]": True,
    "[Parameter(Mandatory = 1)]": True,
    "[Parameter(mandatory=$True, Position=0)]": True,
    "[Parameter(Mandatory=$false)]": False,
    "[Parameter(Mandatory = 0)]": False,
    "[Parameter()]": False,
    "[Parameter(ParameterSetName='A')][Parameter(Mandatory, ParameterSetName='B')]": True,
    "": False,
}


@pytest.mark.parametrize(("attributes", "mandatory"), list(MANDATORY.items()), ids=list(MANDATORY))
def test_mandatory_forms(attributes: str, mandatory: bool) -> None:
    function = only_function(f"function F {{ param({attributes}[string]$Name) }}")
    assert function.parameters[0].mandatory is mandatory


def test_parameter_details() -> None:
    function = only_function(
        """
        function Get-Vm {
            [CmdletBinding(DefaultParameterSetName = 'ByName')]
            param(
                [Parameter(Mandatory, ParameterSetName = 'ByName', Position = 0)]
                [Parameter(ParameterSetName = 'ById', ValueFromPipelineByPropertyName = $true)]
                [ValidateNotNullOrEmpty()]
                [ValidateSet('a', 'b')]
                [Alias('VMName', "N")]
                [string[]] $Name = 'a',

                # The id of the machine
                [Parameter(ValueFromPipeline)]
                [ValidateRange(1, 10)]
                [AllowNull()]
                [int] $Id,

                [System.Management.Automation.PSCredential]
                [System.Management.Automation.Credential()]
                $Credential = [System.Management.Automation.PSCredential]::Empty,

                [ValidateScript({ Test-Path $_ })]
                [System.Collections.Generic.List[string]] $List,

                $Untyped
            )
        }
        """
    )
    name, id_, credential, list_, untyped = function.parameters
    assert (name.name, name.type, name.mandatory) == ("Name", "string[]", True)
    assert name.parameter_sets == ("ByName", "ById")
    assert name.position == 0
    assert name.value_from_pipeline is False
    assert name.value_from_pipeline_by_property_name is True
    assert name.validation == ("ValidateNotNullOrEmpty()", "ValidateSet('a', 'b')")
    assert name.aliases == ("VMName", "N")
    assert name.default == "'a'"
    assert (name.line, name.column) == (9, 20)
    assert id_.parameter_sets == ("__AllParameterSets",)
    assert id_.value_from_pipeline is True
    assert id_.validation == ("ValidateRange(1, 10)", "AllowNull()")
    assert id_.help == "The id of the machine"
    assert credential.type == "System.Management.Automation.PSCredential"
    assert credential.attributes == ("System.Management.Automation.Credential()",)
    assert credential.default == "[System.Management.Automation.PSCredential]::Empty"
    assert credential.parameter_sets == ()
    assert list_.type == "System.Collections.Generic.List[string]"
    assert list_.validation == ("ValidateScript({ Test-Path $_ })",)
    assert (untyped.type, untyped.default, untyped.help) == (None, None, None)
    assert function.is_advanced


def test_parameters_declared_after_the_name() -> None:
    function = only_function("filter Select-Thing($InputObject, [int]$Count = 2) { $_ }")
    assert function.kind == "filter"
    assert [(p.name, p.type, p.default) for p in function.parameters] == [
        ("InputObject", None, None),
        ("Count", "int", "2"),
    ]
    assert function.is_advanced is False


def test_parameter_comment_after_the_last_parameter() -> None:
    function = only_function(
        """
        function F {
            param(
                $First, # about Second, as PowerShell reads it
                $Second
                # about Second too
            )
        }
        """
    )
    assert function.parameter("$first").help is None
    assert function.parameter("Second").help == "about Second, as PowerShell reads it\nabout Second too"


# -- attributes of the function ------------------------------------------------------------

CMDLET_BINDING = {
    "[CmdletBinding()]": {"supports_should_process": False, "positional_binding": True},
    "[CmdletBinding(SupportsShouldProcess)]": {"supports_should_process": True},
    "[CmdletBinding(SupportsShouldProcess=$true, ConfirmImpact='High')]": {
        "supports_should_process": True,
        "confirm_impact": "High",
    },
    "[CmdletBinding(SupportsShouldProcess=$false)]": {"supports_should_process": False},
    "[CmdletBinding(ConfirmImpact=[System.Management.Automation.ConfirmImpact]::Medium)]": {"confirm_impact": "Medium"},
    "[CmdletBinding(DefaultParameterSetName='Path', HelpUri='https://x.example/help')]": {
        "default_parameter_set": "Path",
        "help_uri": "https://x.example/help",
    },
    "[CmdletBinding(PositionalBinding=$false, SupportsPaging)]": {
        "positional_binding": False,
        "supports_paging": True,
    },
}


@pytest.mark.parametrize(("attribute", "expected"), list(CMDLET_BINDING.items()), ids=list(CMDLET_BINDING))
def test_cmdlet_binding(attribute: str, expected: dict[str, object]) -> None:
    function = only_function(f"function F {{ {attribute} param() }}")
    assert function.cmdlet_binding is not None
    for key, value in expected.items():
        assert getattr(function.cmdlet_binding, key) == value
    assert function.is_advanced


def test_no_cmdlet_binding() -> None:
    function = only_function("function F { param($a) }")
    assert function.cmdlet_binding is None
    assert function.is_advanced is False


OUTPUT_TYPES = {
    "[OutputType([string])]": ("string",),
    "[OutputType([string], 'System.Int32', [Foo.Bar[]])]": ("string", "System.Int32", "Foo.Bar[]"),
    "[OutputType('System.String', \"System.Int32\")]": ("System.String", "System.Int32"),
    "[OutputType([System.Collections.Generic.List[string]])]": ("System.Collections.Generic.List[string]",),
    "[OutputType([string], ParameterSetName = 'A')][OutputType([int])]": ("string", "int"),
}


@pytest.mark.parametrize(("attributes", "types"), list(OUTPUT_TYPES.items()), ids=list(OUTPUT_TYPES))
def test_output_types(attributes: str, types: tuple[str, ...]) -> None:
    function = only_function(f"function F {{\n    [CmdletBinding()]\n    {attributes}\n    param()\n}}")
    assert function.output_types == types


def test_function_alias_attribute() -> None:
    assert only_function("function Get-Thing { [Alias('gt', 'thing')] param() }").aliases == (
        "gt",
        "thing",
    )


# -- functions ---------------------------------------------------------------------------


def test_function_kinds_scopes_and_nesting() -> None:
    info = ps(
        """
        function global:Get-Outer {
            function Get-Inner { Get-Deep }
            Get-Inner
        }
        filter Select-It { $_ }
        workflow Invoke-Flow { param([string] $Name) }
        Configuration WebServer {
            param([string[]] $ComputerName = 'localhost')
            Import-DscResource -ModuleName PSDesiredStateConfiguration
            Node $ComputerName {
                WindowsFeature IIS { Ensure = 'Present'; Name = 'Web-Server' }
            }
        }
        FUNCTION Get-Outer { 'redefined' }
        """
    )
    assert info.errors == ()
    table = [(f.name, f.kind, f.scope, f.parent, f.line, f.end_line) for f in info.functions]
    assert table == [
        ("Get-Outer", "function", "global", None, 1, 4),
        ("Get-Inner", "function", None, "Get-Outer", 2, 2),
        ("Select-It", "filter", None, None, 5, 5),
        ("Invoke-Flow", "workflow", None, None, 6, 6),
        ("WebServer", "configuration", None, None, 7, 13),
        ("Get-Outer", "function", None, None, 14, 14),
    ]
    assert info.functions[4].parameters[0].name == "ComputerName"
    assert info.functions[4].commands == ("Import-DscResource", "Node", "WindowsFeature")
    assert info.function("get-outer") is info.functions[5]
    assert info.function("Missing") is None


def test_a_meta_configuration_keeps_its_kind_place_and_help() -> None:
    info = ps(
        """
        <#
        .SYNOPSIS
        Pushes settings to the Local Configuration Manager.
        #>
        [DscLocalConfigurationManager()]
        # the meta-configuration
        Configuration Lcm {
            Settings { RefreshMode = 'Push' }
        }
        """
    )
    assert info.errors == ()
    (lcm,) = info.functions
    assert (lcm.name, lcm.kind, lcm.line, lcm.column, lcm.end_line) == ("Lcm", "configuration", 7, 1, 9)
    assert lcm.help is not None and lcm.help.synopsis == "Pushes settings to the Local Configuration Manager."


def test_inlinescript_parameters_are_no_commands() -> None:
    info = ps(
        """
        workflow Invoke-Dump {
            inlinescript
            {
                Get-Process
            } -PSComputerName $ComputerName -PSAuthentication CredSSP
            $result = InlineScript { Get-Service } -PSComputerName $ComputerName -PSAuthentication Default
            InlineScript { Get-Date } -PSPersist
            Get-Item -Path x
            InlineScript { Get-Date } -PSPersist # a comment
            Get-WindowsFeature -Name Hyper-V
            Write-Output $result
        }
        """
    )
    assert info.errors == ()
    commands = ("Get-Process", "Get-Service", "Get-Date", "Get-Item", "Get-WindowsFeature", "Write-Output")
    assert info.functions[0].commands == commands


def test_commands_called() -> None:
    info = ps(
        """
        begin { Write-Verbose start }
        process {
            function Get-Vm {
                Get-AzVM -Name $Name | Where-Object { $_.Id -eq $Id } |
                    ForEach-Object { Invoke-RestMethod -Uri $_ }
                & 'Quoted-Command' -x 1
                & "Other-Command"
                & $dynamic
                & { Get-Nested }
                . .\\helpers.ps1
                Microsoft.PowerShell.Management\\Get-Item x
                get-azvm -Name again
                1..3 | ForEach-Object { $_ }
                function Get-Inner { Get-OnlyInner }
            }
            Get-Vm
        }
        """
    )
    assert info.errors == ()
    vm = info.function("Get-Vm")
    assert vm.commands == (
        "Get-AzVM",
        "Where-Object",
        "ForEach-Object",
        "Invoke-RestMethod",
        "Quoted-Command",
        "Other-Command",
        "Get-Nested",
        ".\\helpers.ps1",
        "Microsoft.PowerShell.Management\\Get-Item",
    )
    assert info.function("Get-Inner").commands == ("Get-OnlyInner",)
    assert info.commands == (
        "Write-Verbose",
        *vm.commands,
        "Get-OnlyInner",
        "Get-Vm",
    )


# -- scope writes ------------------------------------------------------------------------

SCOPE_WRITES = {
    "$script:cache = @{}": ("script", "cache", "$script:cache"),
    "$Global:Count += 1": ("global", "Count", "$Global:Count"),
    "[int]$script:Typed = 3": ("script", "Typed", "$script:Typed"),
    "${script:Braced} = 1": ("script", "Braced", "${script:Braced}"),
    "$script:cache[$key] = 1": ("script", "cache", "$script:cache[$key]"),
    "$global:config.Name = 'x'": ("global", "config", "$global:config.Name"),
    "$script:counter++": ("script", "counter", "$script:counter"),
    "--$script:counter": ("script", "counter", "$script:counter"),
    "Set-Variable -Name Shared -Value 1 -Scope Global": ("global", "Shared", "Set-Variable"),
    "New-Variable Shared 1 -Scope script -Option ReadOnly": ("script", "Shared", "New-Variable"),
}


@pytest.mark.parametrize(("statement", "expected"), list(SCOPE_WRITES.items()), ids=list(SCOPE_WRITES))
def test_scope_writes(statement: str, expected: tuple[str, str, str]) -> None:
    info = ps(f"function F {{\n    {statement}\n}}")
    assert info.errors == ()
    (write,) = info.scope_writes
    assert (write.scope, write.variable, write.target) == expected
    assert (write.line, write.function) == (2, "F")
    assert info.functions[0].scope_writes == (write,)


@pytest.mark.parametrize(
    "statement",
    ["$local = 1", "$env:PATH = 'x'", "$using:x", "Set-Variable -Name x -Value 1", "$script:x"],
)
def test_not_scope_writes(statement: str) -> None:
    assert ps(statement).scope_writes == ()


def test_multiple_assignment_and_script_level_writes() -> None:
    info = ps("$script:a, $global:b = 1, 2\nfunction F { $script:c = 3 }")
    assert [(w.scope, w.variable, w.function) for w in info.scope_writes] == [
        ("script", "a", None),
        ("global", "b", None),
        ("script", "c", "F"),
    ]


# -- module references -------------------------------------------------------------------

REFERENCES = {
    "Import-Module Az.Accounts": [("Az.Accounts", None, None, None, None)],
    "ipmo 'Az.Accounts' -Force": [("Az.Accounts", None, None, None, None)],
    "Import-Module -Name Az.Network -MinimumVersion 2.0 -RequiredVersion 2.1 -MaximumVersion 3": [
        ("Az.Network", "2.0", "2.1", "3", None)
    ],
    "Import-Module -Name 'Legacy' -Version 1.0": [("Legacy", "1.0", None, None, None)],
    "Import-Module -Name:Az.Compute -RequiredVersion:4.1.0": [("Az.Compute", None, "4.1.0", None, None)],
    "Import-Module -Force -DisableNameChecking Quiet": [("Quiet", None, None, None, None)],
    "Import-Module -Req 1.2 -Name Abbreviated": [("Abbreviated", None, "1.2", None, None)],
    "Import-Module @{ModuleName='Hash'; ModuleVersion='1.10'}": [("Hash", "1.10", None, None, None)],
    "Import-Module @{ModuleName='Num'; ModuleVersion=1.10}": [("Num", "1.10", None, None, None)],
    "Import-Module -FullyQualifiedName @{ModuleName='Fq'; RequiredVersion='2.0'; Guid='a-b'}": [
        ("Fq", None, "2.0", None, "a-b")
    ],
    "Import-Module A1, A2 -Force": [("A1", None, None, None, None), ("A2", None, None, None, None)],
    "Import-Module A1,A2": [("A1", None, None, None, None), ("A2", None, None, None, None)],
    "Import-Module 'A1', A2, 'A3' -Global": [
        ("A1", None, None, None, None),
        ("A2", None, None, None, None),
        ("A3", None, None, None, None),
    ],
    "Import-Module @('A1', 'A2') -MinimumVersion 1.0": [
        ("A1", "1.0", None, None, None),
        ("A2", "1.0", None, None, None),
    ],
    "Import-Module .\\Private\\Helper.psd1": [(".\\Private\\Helper.psd1", None, None, None, None)],
    "Import-Module $PSScriptRoot\\Private\\Helper.psm1": [(None, None, None, None, None)],
    'Import-Module "$PSScriptRoot\\Helper.psm1"': [(None, None, None, None, None)],
    "Import-Module $name -RequiredVersion 1.0": [(None, None, "1.0", None, None)],
    "Import-Module @splat": [(None, None, None, None, None)],
    "Import-Module -Force -- Pester": [("Pester", None, None, None, None)],
    "Import-Module C:\\Program` Files\\Modules\\Foo -Force": [(None, None, None, None, None)],
    "Import-Module\tTabbed\t-Force": [("Tabbed", None, None, None, None)],
    "Import-Module C:\\Modules\\$($name)\\Tools.psm1": [(None, None, None, None, None)],
    "using module Az.Storage": [("Az.Storage", None, None, None, None)],
    "using module @{ModuleName='X'; RequiredVersion='1.0'}": [("X", None, "1.0", None, None)],
    "using module .\\Local.psm1": [(".\\Local.psm1", None, None, None, None)],
    "using namespace System.Text": [],
}


@pytest.mark.parametrize(("statement", "expected"), list(REFERENCES.items()), ids=list(REFERENCES))
def test_module_references(statement: str, expected: list[tuple[str | None, ...]]) -> None:
    info = ps(statement)
    assert info.errors == ()
    found = [(r.name, r.version, r.required_version, r.maximum_version, r.guid) for r in info.module_references]
    assert found == expected
    kind = "using-module" if statement.startswith("using") else "import-module"
    assert all(r.kind == kind and r.line == 1 and r.function is None for r in info.module_references)


def test_module_reference_positions_text_and_function() -> None:
    info = ps(
        """
        function F {
            Import-Module -Name $moduleName
            Import-Module Two
        }
        """
    )
    first, second = info.module_references
    assert (first.name, first.text, first.line, first.column, first.function) == (
        None,
        "$moduleName",
        2,
        25,
        "F",
    )
    assert (second.name, second.text, second.line, second.column) == ("Two", "Two", 3, 19)


@pytest.mark.parametrize(
    ("argument", "path"),
    [
        (
            "(Join-Path -Path $PSScriptRoot -ChildPath Microsoft.Azure.PowerShell.Cmdlets.Accounts.dll)",
            "Microsoft.Azure.PowerShell.Cmdlets.Accounts.dll",
        ),
        ("(Join-Path $PSScriptRoot 'bin' 'X.dll')", "bin/X.dll"),
        ('"$PSScriptRoot\\Private\\.\\Helpers.psm1"', "Private/Helpers.psm1"),
        ("$PSScriptRoot\\bin\\X.dll", "bin/X.dll"),
        ("${PSScriptRoot}/Sub", "Sub"),
        ("$PSScriptRoot", None),  # the module's own folder
        ("$PSScriptRoot\\$name.dll", None),
        ("(Join-Path $HOME 'X.dll')", None),
        (".\\bin\\X.dll", None),  # the current location's
        ("Az.Accounts", None),
    ],
)
def test_a_module_reference_names_the_file_below_the_script_root(argument: str, path: str | None) -> None:
    (reference,) = ps(f"Import-Module {argument} -Force\n").module_references
    assert reference.path == path
    assert reference.text == argument


def test_requires() -> None:
    info = ps(
        """
        #Requires -Version 5.1
        #requires -Modules Az.Accounts, @{ModuleName='Az.Compute'; ModuleVersion='4.0'; GUID='1-2'}
        #REQUIRES -PSEdition Desktop, Core -RunAsAdministrator
        #Requires -Modules @{ ModuleName = 'Pinned'; RequiredVersion = '1.2.3' }
        <#
        #Requires -Modules NotInABlockComment
        #>
        # Requires -Modules NotWithASpace
        function F {
            #Requires -Modules InAFunction
        }
        """
    )
    assert info.errors == ()
    assert info.requires.version == "5.1"
    assert info.requires.ps_editions == ("Desktop", "Core")
    assert info.requires.run_as_administrator is True
    found = [(r.name, r.kind, r.version, r.required_version, r.guid, r.line, r.column) for r in info.module_references]
    assert found == [
        ("Az.Accounts", "requires", None, None, None, 2, 20),
        ("Az.Compute", "requires", "4.0", None, "1-2", 2, 33),
        ("Pinned", "requires", None, "1.2.3", None, 4, 20),
        ("InAFunction", "requires", None, None, None, 10, 24),
    ]


def test_requires_errors() -> None:
    info = ps("#Requires -Frobnicate x\n#Requires -Modules @{\nGet-Thing\n")
    assert [(e.line, e.column) for e in info.errors] == [(1, 1), (2, 1)]
    assert "unknown parameter -frobnicate" in info.errors[0].message
    assert info.errors[1].message.startswith("#Requires: syntax error")
    assert info.commands == ("Get-Thing",)


# -- exports and aliases -----------------------------------------------------------------


def test_exports_and_aliases() -> None:
    info = ps(
        """
        function Get-Thing { Set-Alias -Name inner -Value Get-Inner }
        Set-Alias -Name gt -Value Get-Thing
        New-Alias st Set-Thing
        Set-Alias -Value Reset-Thing -Name rt
        Export-ModuleMember -Function Get-Thing, Set-Thing, 'Reset-*' -Alias gt, st
        Export-ModuleMember -Cmdlet Get-Compiled -Variable Setting
        Export-ModuleMember $Public.BaseName
        """
    )
    assert info.errors == ()
    assert info.exports is not None
    assert info.exports.functions == ("Get-Thing", "Set-Thing", "Reset-*")
    assert info.exports.aliases == ("gt", "st")
    assert info.exports.cmdlets == ("Get-Compiled",)
    assert info.exports.variables == ("Setting",)
    assert info.exports.unresolved == ("-Function $Public.BaseName",)
    assert dict(info.aliases) == {"gt": "Get-Thing", "st": "Set-Thing", "rt": "Reset-Thing"}
    assert info.aliases["GT"] == "Get-Thing"


def test_no_exports() -> None:
    assert ps("function F { }").exports is None


# -- errors and input --------------------------------------------------------------------


def test_syntax_errors_are_listed_and_the_rest_is_read() -> None:
    info = ps(
        """
        function Get-Good { Get-ChildItem }
        $x = (1 +
        function Get-AlsoGood { Get-Item }
        """,
        file="bad.ps1",
    )
    assert [f.name for f in info.functions] == ["Get-Good", "Get-AlsoGood"]
    assert info.function("Get-AlsoGood").commands == ("Get-Item",)
    (error,) = info.errors
    assert isinstance(error, ScriptError)
    assert (error.file, error.line, error.column) == ("bad.ps1", 2, 1)
    assert error.message == "syntax error: unexpected '$x = (1 +'"
    with pytest.raises(ScriptError, match=r"^bad\.ps1:2:\d+: syntax error"):
        ps("function Get-Good { }\n$x = (1 +\n", file="bad.ps1", strict=True)


@pytest.mark.parametrize(
    ("broken", "column", "unexpected"),
    [
        ("$x = 1 +", 1, "$x = 1 +"),
        ("foo )", 5, ")"),
        ("if ($x {", 1, "if ($x {"),
        ("Get-Thing -Name @{ a = ", 1, "Get-Thing -Name @{ a ="),
    ],
)
@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_a_broken_statement_does_not_hide_the_functions_after_it(
    broken: str, column: int, unexpected: str, end: str
) -> None:
    lines = ["function Get-Before { }", broken, "  function Get-After { Get-Item }", "function Get-Last { }", ""]
    info = parse_script(end.join(lines))
    assert [f.name for f in info.functions] == ["Get-Before", "Get-After", "Get-Last"]
    assert info.function("Get-After").commands == ("Get-Item",)
    (error,) = info.errors
    assert (error.line, error.column) == (2, column)
    assert error.message == f"syntax error: unexpected {unexpected!r}"


def test_a_broken_line_inside_a_function_is_one_error_and_later_functions_are_found() -> None:
    info = ps(
        "function Get-Before { 1 }\nfunction Get-Broken {\n  $x = (1 +\n}\n"
        "function Get-After { Get-Item }\nfunction Get-Last { }\n",
        file="bad.ps1",
    )
    assert [f.name for f in info.functions] == ["Get-Before", "Get-After", "Get-Last"]
    (error,) = info.errors
    assert (error.file, error.line, error.column) == ("bad.ps1", 3, 3)
    assert error.message == "syntax error: unexpected '$x = (1 + }'"


def test_a_function_with_its_body_on_the_param_line_keeps_its_attributes() -> None:
    info = ps("function Get-Tool { [OutputType([int])] param([string] $Name) $Name.Length }\n")
    assert info.errors == ()
    (function,) = info.functions
    assert function.output_types == ("int",)
    assert [parameter.name for parameter in function.parameters] == ["Name"]


def test_unclosed_function_reports_where() -> None:
    info = ps("function Get-Open {\n    Get-ChildItem\n")
    assert info.errors and info.errors[0].line is not None
    assert info.functions[0].name == "Get-Open"


@pytest.mark.parametrize(
    "valid",
    [
        "Export-ModuleMember -Function a, b, c",
        "Get-Process | Select-Object -Property Name, Id\nGet-Item x",
        "Import-Module $PSScriptRoot\\Private\\Helper.psm1",
        "function F { [OutputType([string], ParameterSetName = 'A')] param() }",
        "Get-Thing -Name 'a', b, 'c'",
    ],
)
def test_valid_powershell_the_grammar_stumbles_on_is_not_an_error(valid: str) -> None:
    assert ps(valid).errors == ()


def test_strict_passes_a_clean_file() -> None:
    assert ps("function F { }", strict=True).functions[0].name == "F"


def test_bytes_paths_and_encodings(tmp_path: Path) -> None:
    text = "function Get-Café {\n    Write-Output 'é'\n}\n"
    utf16 = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    path = tmp_path / "Module.psm1"
    path.write_bytes(utf16)
    for source in (utf16, path, str(path)):
        info = parse_script(source)
        assert [f.name for f in info.functions] == ["Get-Café"]
        assert info.functions[0].commands == ("Write-Output",)
    assert parse_script(path).file == str(path)
    assert parse_script(utf16, file="named.psm1").file == "named.psm1"
    with pytest.raises(ScriptError, match="NUL byte"):
        parse_script(text.encode("utf-16-le"), file="nobom.psm1")
    with pytest.raises(TypeError, match="parse_script"):
        parse_script(42)  # type: ignore[arg-type]


def test_positions_count_characters() -> None:
    info = ps("$é = 'ü'; Import-Module Målet")
    assert (info.module_references[0].line, info.module_references[0].column) == (1, 25)


def test_crlf_line_endings() -> None:
    text = "<#\r\n.SYNOPSIS\r\n    Gets it.\r\n#>\r\nfunction Get-It {\r\n    # .SYNOPSIS\r\n}\r\n"
    text += "Import-Module Az.Accounts, Az.Resources\r\n"
    info = parse_script(text)
    assert info.errors == ()
    assert info.functions[0].help.synopsis == "Gets it."
    assert (info.functions[0].line, info.functions[0].end_line) == (5, 7)
    assert [(r.name, r.line) for r in info.module_references] == [
        ("Az.Accounts", 8),
        ("Az.Resources", 8),
    ]


def test_an_attribute_written_alike_in_many_parameters_says_the_same_in_each() -> None:
    info = parse_script(
        "function A { param([Parameter(Mandatory = $true, Position = 0)] [string] $One,"
        " [Parameter(Mandatory = $true, Position = 0)] [int] $Two) }\n"
        "function B { param([Parameter(Mandatory = $true, Position = 0)][Alias('n')] $Three,"
        " [Parameter(Position = 1)] $Four) }\n"
    )
    read = [
        (p.name, p.type, p.mandatory, p.position, p.aliases, p.parameter_sets)
        for function in info.functions
        for p in function.parameters
    ]
    assert read == [
        ("One", "string", True, 0, (), ("__AllParameterSets",)),
        ("Two", "int", True, 0, (), ("__AllParameterSets",)),
        ("Three", None, True, 0, ("n",), ("__AllParameterSets",)),
        ("Four", None, False, 1, (), ("__AllParameterSets",)),
    ]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_help_goes_where_powershell_puts_it_whatever_ends_the_lines(end: str) -> None:
    lines = ["<#", ".SYNOPSIS", "The script.", "#>", "", "", "", "function F {", "<#", ".SYNOPSIS", "F itself.", "#>"]
    info = parse_script(end.join([*lines, "param(", "  # the name", "  $Name)", "}"]))
    assert info.help is not None and info.help.synopsis == "The script."  # four lines above F: too far to be its own
    (function,) = info.functions
    assert (function.help.synopsis if function.help else None, function.line, function.end_line) == ("F itself.", 8, 16)
    assert [(p.name, p.help, p.line) for p in function.parameters] == [("Name", "the name", 15)]
