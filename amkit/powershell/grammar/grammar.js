// Number literal suffixes, as PowerShell's tokenizer reads them (any case).
const NUMBER_SUFFIX = /[uU][lLsSyY]?|[lLyYsSnNdD]/;
const MULTIPLIER = /[kKmMgGtTpP][bB]/;
const EXPONENT = /[eE][+-]?[0-9]+/;

// The words that start a statement; in a DSC resource block, property names too.
const STATEMENT_KEYWORDS = [
  'function', 'filter', 'workflow', 'configuration', 'data', 'class', 'enum', 'param', 'if', 'switch',
  'foreach', 'for', 'while', 'do', 'try', 'trap', 'throw', 'return', 'exit', 'break',
  'continue', 'parallel', 'sequence', 'inlinescript', 'begin', 'process', 'end', 'dynamicparam',
];

// PowerShell's comparison operators, which also come with a c or an i in front (-ceq, -inotin).
const COMPARISON_OPERATORS = [
  'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'like', 'notlike', 'match', 'notmatch',
  'contains', 'notcontains', 'in', 'notin', 'replace', 'split',
];

const PREC = {
  KEYWORD: 1,
  UNARY: 2,
  CAST: 3,
  ELEMENT_ACCESS: 4,
  EMPTY: 5,
  PARAM: 6,
  INVOKE: 7,
};

export default grammar({
  name: 'powershell',

  externals: ($) => [
    $._statement_terminator,
    $._here_string_line_break,
    $._trailing_dot_real,
    $._bare_dash,
  ],

  extras: ($) => [
    $.comment,
    /\s/,
    // a backtick before a line break (LF, CR LF, or CR alone) joins the lines
    /`(\r\n?|\n)/,
    // a backtick before blanks is blank too: @( $user` )
    /`[ \t]/,
    /[\uFEFF\u2060\u200B\u00A0]/,
  ],

  conflicts: ($) => [
    [$._literal, $.member_name],
    [$.expandable_string_literal],
    [$.path_command_name, $._value],
  ],

  rules: {
    // A script file is a script block: its body may be begin/process/end blocks too.
    program: ($) =>
      seq(
        repeat($.using_statement),
        optional($.param_block),
        optional(choice($.named_block_list, $.statement_list)),
      ),

    // using namespace System.Text, using module Name (or a path, or @{ ModuleName = ... }),
    // using assembly path: PowerShell 5's using statements, which come before everything else.
    using_statement: ($) =>
      seq(
        reservedWord('using'),
        choice(
          seq(reservedWord('namespace'), field('name', $._using_name)),
          seq(
            reservedWord('module'),
            field('name', choice($._using_name, $.hash_literal_expression)),
          ),
          seq(reservedWord('assembly'), field('name', $._using_name)),
        ),
        $._statement_terminator,
      ),

    _using_name: ($) => choice($.generic_token, $.string_literal),

    // Comments
    comment: ($) =>
      token(
        choice(
          /#[^\r\n]*/,
          seq('<#', repeat(choice(/[^#`]+/, /#+[^>#]/, /`.{1}|`(\r\n?|\n)/)), /#+>/),
        ),
      ),

    // Literal
    _literal: ($) =>
      choice(
        $.integer_literal,
        $.string_literal,
        $.real_literal,
        // 1. is a real too; src/scanner.c tells it from 1..5 and 1.5
        alias($._trailing_dot_real, $.real_literal),
      ),

    // Integer Literals
    integer_literal: ($) =>
      choice(
        $.decimal_integer_literal,
        $.hexadecimal_integer_literal,
        $.binary_integer_literal,
      ),

    // Type suffixes and multipliers are case-insensitive (1KB, 10GB, 5L, 1uy, 2n).
    decimal_integer_literal: ($) =>
      token(seq(/[0-9]+/, optional(NUMBER_SUFFIX), optional(MULTIPLIER))),

    hexadecimal_integer_literal: ($) =>
      token(
        seq(/0[xX][0-9a-fA-F]+/, optional(NUMBER_SUFFIX), optional(MULTIPLIER)),
      ),

    // PowerShell 7: 0b1010
    binary_integer_literal: ($) =>
      token(seq(/0[bB][01]+/, optional(NUMBER_SUFFIX), optional(MULTIPLIER))),

    // Real Literals
    real_literal: ($) =>
      token(
        seq(
          choice(
            seq(/[0-9]+\.[0-9]+/, optional(EXPONENT)),
            seq(/\.[0-9]+/, optional(EXPONENT)),
            seq(/[0-9]+/, EXPONENT),
          ),
          optional(NUMBER_SUFFIX),
          optional(MULTIPLIER),
        ),
      ),

    // String literal
    string_literal: ($) =>
      choice(
        $.expandable_string_literal,
        $.verbatim_string_characters,
        $.expandable_here_string_literal,
        $.verbatim_here_string_characters,
      ),

    // Quotes may be typographic ones, as PowerShell's tokenizer takes them (IsDoubleQuote, IsSingleQuote).
    expandable_string_literal: ($) =>
      seq(
        /[\"\u201c\u201d\u201e](\s*\#*)*/, // this is a trick to avoid tree-sitter allowing comment between tokens, as string should be tokenize but powershell allow subexpression inside it...
        repeat(
          choice(
            token.immediate(prec(1, /[^\$\"\u201c\u201d\u201e`]+/)),
            $._immediate_variable,
            alias($._immediate_sub_expression, $.sub_expression),
            token.immediate(/\$(`.{1}|`(\r\n?|\n)|[\s\\])/),
            token.immediate(/`.{1}|`(\r\n?|\n)/),
            token.immediate(/[\"\u201c\u201d\u201e][\"\u201c\u201d\u201e]/),
            token.immediate('$'),
          ),
        ),
        repeat(token.immediate('$')),
        token.immediate(/(\s*\#*)*[\"\u201c\u201d\u201e]/),
      ),

    // The opening takes no line break, so the closing may follow it directly (an empty here-string).
    expandable_here_string_literal: ($) =>
      seq(
        /@[\"\u201c\u201d\u201e][ \t]*/,
        repeat(
          choice(
            token.immediate(prec(1, /[^\$\r\n`]+/)),
            $._immediate_variable,
            alias($._immediate_sub_expression, $.sub_expression),
            // line breaks not before the closing "@ (src/scanner.c), so a line may start with $x
            $._here_string_line_break,
            token.immediate('$'),
            token.immediate(/`.{1}|`(\r\n?|\n)/),
          ),
        ),
        token.immediate(/(\r\n?|\n)+[\"\u201c\u201d\u201e]@/),
      ),

    verbatim_string_characters: ($) =>
      token(
        seq(
          /['\u2018\u2019\u201a\u201b]/,
          repeat(
            choice(
              /[^'\u2018\u2019\u201a\u201b]+/,
              /['\u2018\u2019\u201a\u201b]['\u2018\u2019\u201a\u201b]/,
            ),
          ),
          /['\u2018\u2019\u201a\u201b]/,
        ),
      ),

    // The lines between @' and a line that starts with '@; none of them (there may be none) starts so.
    verbatim_here_string_characters: ($) =>
      token(
        seq(
          /@['\u2018\u2019\u201a\u201b][ \t]*(\r\n?|\n)/,
          repeat(
            seq(
              /([^'\u2018\u2019\u201a\u201b\r\n][^\r\n]*|['\u2018\u2019\u201a\u201b]([^@\r\n][^\r\n]*)?)?/,
              /\r\n?|\n/,
            ),
          ),
          /['\u2018\u2019\u201a\u201b]@/,
        ),
      ),

    // Simple names
    // Names are made of letters and digits of any script, as .NET's char.IsLetterOrDigit says
    simple_name: ($) => /[\p{L}_][\p{L}\p{N}_]*/,

    // Type names
    // List`1, or with the backtick escaped as a double-quoted string would need it: List``1
    type_identifier: ($) => /[\p{L}\p{N}_]+(`{1,2}[0-9]+)?/,

    type_name: ($) =>
      choice(
        $.type_identifier,
        seq($.type_name, choice('.', '+'), $.type_identifier),
      ),

    array_type_name: ($) => seq($.type_name, '['),
    generic_type_name: ($) => seq($.type_name, '['),

    // Operators and punctuators
    assignement_operator: ($) =>
      choice('=', '!=', '+=', '*=', '/=', '%=', '-=', '??='),

    file_redirection_operator: ($) =>
      choice(
        '>',
        '>>',
        '2>',
        '2>>',
        '3>',
        '3>>',
        '4>',
        '4>>',
        '5>',
        '5>>',
        '6>',
        '6>>',
        '*>',
        '*>>',
        '<',
      ),

    merging_redirection_operator: ($) =>
      choice(
        '*>&1',
        '2>&1',
        '3>&1',
        '4>&1',
        '5>&1',
        '6>&1',
        '*>&2',
        '1>&2',
        '3>&2',
        '4>&2',
        '5>&2',
        '6>&2',
      ),

    // Every comparison operator in its plain, case-sensitive (c) and case-insensitive (i) forms,
    // -cnotin and -iin included, and the type operators.
    comparison_operator: ($) =>
      choice(
        ...COMPARISON_OPERATORS.flatMap((name) =>
          ['', 'c', 'i'].map((prefix) => reservedWord(`-${prefix}${name}`)),
        ),
        reservedWord('-is'),
        reservedWord('-isnot'),
        reservedWord('-as'),
        reservedWord('-join'),
        reservedWord('-shl'),
        reservedWord('-shr'),
      ),

    format_operator: ($) => reservedWord('-f'),

    // Variables
    variable: ($) =>
      choice(
        '$$',
        '$^',
        '$?',
        '$_',
        token(variableToken('$')),
        token(variableToken('@')),
        $.braced_variable,
      ),

    // Inside strings a variable or $( ) follows the text before it directly: without this,
    // "$Repo#$PR" read # as the start of a comment.
    _immediate_variable: ($) =>
      choice(
        alias(
          choice(
            token.immediate('$$'),
            token.immediate('$^'),
            token.immediate('$?'),
            token.immediate('$_'),
            token.immediate(variableToken('$')),
          ),
          $.variable,
        ),
        alias($._immediate_braced_variable, $.variable),
      ),

    _immediate_braced_variable: ($) =>
      alias(token.immediate(/\$\{[^}]+\}/), $.braced_variable),

    _immediate_sub_expression: ($) =>
      seq(
        alias(token.immediate('$('), '$('),
        field('statements', optional($.statement_list)),
        ')',
      ),

    braced_variable: ($) => /\$\{[^}]+\}/,

    // Commands
    generic_token: ($) =>
      // As about_Parsing says, in argument mode only $ @ ' " ( start an expression:
      // [string] and [$type] are bare words.
      // A word after two dashes is a bare word too (git init --initial-branch=main).
      // Within a word, $ " ' and ` start the parts of a composite_argument: C:\Users\$($u)\Documents,
      // --format='{{.Names}}', a`$b.
      token(
        choice(
          /[^\(\)\$\"\'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\-\u2013\u2014\u2015\{\}@\|`\&\s][^\&\s\(\)\}\|;,\$"'`]*/,
          // after two dashes, a $ or a quote stays in the word: --$option is no pre-decrement
          /--[^\(\)\{\}\|`\&\s%;,][^\&\s\(\)\}\|;,\$"'`]*/,
          // A word in brackets is one, variables and all (-BeOfType [$type]): the bracket alone would open a type.
          /\[[^\&\s\(\)\}\|;,"'`]*/,
          // A word may start with an escaped character: `"$path`"
          /`[^\s][^\&\s\(\)\}\|;,\$"'`]*/,
        ),
      ),

    _command_token: ($) =>
      token(/[^\(\)\{\}\s;\&"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e][^\(\)\{\}\s;\&]*/),

    // Parameters
    // One dash (or a typographic one, as PowerShell allows) and a letter: -Name, \u2013Force, -?
    // As PowerShell's tokenizer reads one: after the dash and a letter, anything up to a blank, a colon or
    // ( ) { } [ ] ; , | & . (-DCMAKE_BUILD_TYPE=Release); a quote or $ makes it an argument instead. Here
    // < and > end it too, for -Verbose>log.txt; and -> is one, as PowerShell reads it (Write-Host $a -> $b).
    command_parameter: ($) =>
      token(/[-\u2013\u2014\u2015]([\p{L}_?`][^\s(){}\[\];,|&.:"'$@<>\u2018\u2019\u201a\u201b\u201c\u201d\u201e]*|>)/),

    // -- ends the parameters; with the blanks after it, it is not a pre-decrement. They are its own,
    // so an argument may follow at once: git checkout -- $file
    _end_of_parameters: ($) => token(/--[ \t]+/),

    _verbatim_command_argument_chars: ($) =>
      repeat1(choice(/"[^"]*"/, /&[^&]*/, /[^\|\r\n]+/)),

    // Grammar

    // Statements
    script_block: ($) =>
      choice(
        field('script_block_body', $.script_block_body),
        // statements may follow param() on its line: { param($x) $x * 2 }
        seq(
          seq($.param_block, optional($._statement_terminator), repeat(';')),
          field('script_block_body', optional($.script_block_body)),
        ),
      ),

    param_block: ($) =>
      seq(
        optional($.attribute_list),
        reservedWord('param'),
        '(',
        optional($.parameter_list),
        ')',
      ),

    parameter_list: ($) =>
      seq($.script_parameter, repeat(seq(',', $.script_parameter))),

    script_parameter: ($) =>
      seq(
        optional($.attribute_list),
        $.variable,
        optional($.script_parameter_default),
      ),

    script_parameter_default: ($) => seq('=', $._expression),

    script_block_body: ($) =>
      choice(
        field('named_block_list', $.named_block_list),
        field('statement_list', $.statement_list),
      ),

    named_block_list: ($) => repeat1($.named_block),

    named_block: ($) => seq($.block_name, $.statement_block),

    block_name: ($) =>
      choice(
        reservedWord('dynamicparam'),
        reservedWord('begin'),
        reservedWord('process'),
        reservedWord('end'),
        // PowerShell 7.3
        reservedWord('clean'),
      ),

    statement_block: ($) =>
      seq('{', field('statement_list', optional($.statement_list)), '}'),

    statement_list: ($) => repeat1($._statement),

    _statement: ($) =>
      prec.right(
        choice(
          $.if_statement,
          seq(optional($.label), $._labeled_statement),
          $.function_statement,
          $.class_statement,
          $.enum_statement,
          seq($.flow_control_statement, $._statement_terminator),
          $.trap_statement,
          $.try_statement,
          $.data_statement,
          $.inlinescript_statement,
          $.parallel_statement,
          $.sequence_statement,
          // PowerShell 7: a pipeline ended by & runs as a background job, and & ends the statement
          seq($.pipeline, choice($._statement_terminator, '&')),
          seq(alias($._keyword_property, $.command), $._statement_terminator),
          $.empty_statement,
        ),
      ),

    empty_statement: ($) => prec(PREC.EMPTY, ';'),

    // A DSC resource block sets properties as Name = value, read like any command whose first
    // argument is =; some property names are keywords (Filter = '/system.webServer/...').
    _keyword_property: ($) =>
      seq(
        alias(choice(...STATEMENT_KEYWORDS.map(reservedWord)), $.command_name),
        alias(
          seq(
            alias('=', $.generic_token),
            choice(
              $.generic_token,
              $.composite_argument,
              alias($.argument_array, $.array_literal_expression),
            ),
          ),
          $.command_elements,
        ),
      ),

    if_statement: ($) =>
      prec.left(
        seq(
          reservedWord('if'),
          '(',
          field('condition', $.pipeline),
          ')',
          $.statement_block,
          field('elseif_clauses', optional($.elseif_clauses)),
          field('else_clause', optional($.else_clause)),
        ),
      ),

    elseif_clauses: ($) => prec.left(repeat1($.elseif_clause)),

    elseif_clause: ($) =>
      seq(
        reservedWord('elseif'),
        '(',
        field('condition', $.pipeline),
        ')',
        $.statement_block,
      ),

    else_clause: ($) => seq(reservedWord('else'), $.statement_block),

    _labeled_statement: ($) =>
      choice(
        $.switch_statement,
        $.foreach_statement,
        $.for_statement,
        $.while_statement,
        $.do_statement,
      ),

    switch_statement: ($) =>
      seq(
        reservedWord('switch'),
        optional($.switch_parameters),
        $.switch_condition,
        $.switch_body,
      ),

    switch_parameters: ($) => repeat1($.switch_parameter),

    switch_parameter: ($) =>
      choice(
        reservedWord('-regex'),
        reservedWord('-wildcard'),
        reservedWord('-exact'),
        reservedWord('-casesensitive'),
        reservedWord('-parallel'),
      ),

    switch_condition: ($) =>
      choice(
        seq('(', $.pipeline, ')'),
        seq(reservedWord('-file'), $.switch_filename),
      ),

    switch_filename: ($) => choice($._command_token, $._primary_expression),

    switch_body: ($) => seq('{', optional($.switch_clauses), '}'),

    switch_clauses: ($) => repeat1($.switch_clause),

    // Clauses may share a line: switch ($a) { 1 { 'one' } 2 { 'two' } }
    switch_clause: ($) =>
      seq(
        $.switch_clause_condition,
        $.statement_block,
        optional($._statement_terminator),
        repeat(';'),
      ),

    switch_clause_condition: ($) =>
      choice($._command_token, $._primary_expression),

    foreach_statement: ($) =>
      seq(
        reservedWord('foreach'),
        optional($.foreach_parameter),
        '(',
        $.variable,
        reservedWord('in'),
        $.pipeline,
        ')',
        $.statement_block,
      ),

    // In a workflow: foreach -parallel -throttlelimit 5 ($item in $items)
    foreach_parameter: ($) =>
      seq(reservedWord('-parallel'), optional(seq(reservedWord('-throttlelimit'), $._primary_expression))),

    for_statement: ($) =>
      seq(
        reservedWord('for'),
        '(',
        optional(
          seq(
            optional(
              seq(
                field('for_initializer', $.for_initializer),
                $._statement_terminator,
              ),
            ),
            optional(
              seq(
                choice(';', token.immediate(/(\r\n?|\n)/)),
                optional(
                  seq(
                    field('for_condition', $.for_condition),
                    $._statement_terminator,
                  ),
                ),
                optional(
                  seq(
                    choice(';', token.immediate(/(\r\n?|\n)/)),
                    optional(
                      seq(
                        field('for_iterator', $.for_iterator),
                        $._statement_terminator,
                      ),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
        ')',
        $.statement_block,
      ),

    for_initializer: ($) => $.pipeline,

    for_condition: ($) => $.pipeline,

    for_iterator: ($) => $.pipeline,

    while_statement: ($) =>
      seq(
        reservedWord('while'),
        '(',
        field('condition', $.while_condition),
        ')',
        $.statement_block,
      ),

    while_condition: ($) => $.pipeline,

    do_statement: ($) =>
      seq(
        reservedWord('do'),
        $.statement_block,
        choice(reservedWord('while'), reservedWord('until')),
        '(',
        field('condition', $.while_condition),
        ')',
      ),

    // A DSC configuration is declared like a function, its body perhaps on the next line.
    function_statement: ($) =>
      seq(
        choice(
          reservedWord('function'),
          reservedWord('filter'),
          reservedWord('workflow'),
          // [DscLocalConfigurationManager()] Configuration Name { }: a meta-configuration
          seq(optional($.attribute_list), reservedWord('configuration')),
        ),
        $.function_name,
        optional($.function_parameter_declaration),
        '{',
        optional($.script_block),
        '}',
      ),

    function_name: ($) => $._command_token,

    function_parameter_declaration: ($) =>
      seq('(', optional($.parameter_list), ')'),

    flow_control_statement: ($) =>
      choice(
        seq(reservedWord('break'), optional($.label_expression)),
        seq(reservedWord('continue'), optional($.label_expression)),
        seq(reservedWord('throw'), optional($.pipeline)),
        seq(reservedWord('return'), optional($.pipeline)),
        seq(reservedWord('exit'), optional($.pipeline)),
      ),

    label: ($) => token(seq(':', /[\p{L}_][\p{L}\p{N}_]*/)),

    // break outer, continue :outer, break $label
    label_expression: ($) => choice($.label, $.simple_name, $.unary_expression),

    trap_statement: ($) =>
      seq(reservedWord('trap'), optional($.type_literal), $.statement_block),

    try_statement: ($) =>
      seq(
        reservedWord('try'),
        $.statement_block,
        choice(
          seq($.catch_clauses, optional($.finally_clause)),
          optional($.finally_clause),
        ),
      ),

    catch_clauses: ($) => repeat1($.catch_clause),

    catch_clause: ($) =>
      seq(
        reservedWord('catch'),
        optional($.catch_type_list),
        $.statement_block,
      ),

    catch_type_list: ($) =>
      seq($.type_literal, repeat(seq(',', $.type_literal))),

    finally_clause: ($) => seq(reservedWord('finally'), $.statement_block),

    data_statement: ($) =>
      seq(
        reservedWord('data'),
        optional($.data_name),
        optional($.data_commands_allowed),
        $.statement_block,
      ),

    data_name: ($) => $.simple_name,

    data_commands_allowed: ($) =>
      seq(reservedWord('-supportedcommand'), $.data_commands_list),

    data_commands_list: ($) =>
      seq($.data_command, repeat(seq(',', $.data_command))),

    data_command: ($) => $.command_name_expr,

    // InlineScript { ... } -PSComputerName $computer | Select-Object Name: the workflow common parameters and a
    // pipe may follow
    inlinescript_statement: ($) =>
      prec.right(
        seq(
          reservedWord('inlinescript'),
          $.statement_block,
          // with parameters or a pipe after it, it is a command: the end of the line ends it
          optional(
            seq(
              choice(seq(repeat1($.inlinescript_parameter), optional($._pipeline_tail)), $._pipeline_tail),
              $._statement_terminator,
            ),
          ),
        ),
      ),

    // -PSComputerName $computer, 'name', -PSAuthentication Default, -PSPersist: a parameter and its values.
    // Not command_elements: after a statement, those would make a comma ambiguous in a method's arguments.
    inlinescript_parameter: ($) =>
      prec.right(
        seq(
          $.command_parameter,
          // a blank may come before no value (-PSPersist # comment), as after a command's arguments
          optional(
            seq($.command_argument_sep, optional(seq($._inlinescript_value, repeat(seq(',', $._inlinescript_value))))),
          ),
        ),
      ),

    _inlinescript_value: ($) => choice($.unary_expression, $.generic_token),

    parallel_statement: ($) => seq(reservedWord('parallel'), $.statement_block),

    sequence_statement: ($) => seq(reservedWord('sequence'), $.statement_block),

    pipeline: ($) =>
      choice(
        $.assignment_expression,
        seq(
          $.pipeline_chain,
          repeat(seq($.pipeline_chain_tail, $.pipeline_chain)),
        ),
      ),

    pipeline_chain: ($) =>
      choice(
        seq(
          $._expression,
          optional($.redirections),
          optional($._pipeline_tail),
        ),
        seq(
          $.command,
          optional($.verbatim_command_argument),
          optional($._pipeline_tail),
        ),
      ),

    pipeline_chain_tail: ($) => choice('&&', '||'),

    // Distinct a normal expression to a left assignement expession
    left_assignment_expression: ($) =>
      choice($._expression, $.attributed_variable),

    assignment_expression: ($) =>
      seq(
        $.left_assignment_expression,
        $.assignement_operator,
        field('value', $._statement),
      ),

    _pipeline_tail: ($) => repeat1(seq('|', $.command)),

    command: ($) =>
      choice(
        seq(
          field('command_name', $.command_name),
          field('command_elements', optional($.command_elements)),
        ),
        seq(
          $.command_invokation_operator,
          // optional($.command_module),
          field('command_name', $.command_name_expr),
          field('command_elements', optional($.command_elements)),
        ),
      ),

    command_invokation_operator: ($) => choice('.', '&'),

    // This rule is ignored as it does not appear as a rule
    // command_module: $ => $.primary_expression,

    _expandable_string_literal_immediate: ($) =>
      seq(
        repeat(
          choice(
            token.immediate(prec(1, /[^\$"`]+/)),
            $._immediate_variable,
            token.immediate(/\$`(.{1}|`(\r\n?|\n))/),
            token.immediate(/`.{1}|`(\r\n?|\n)/),
            token.immediate('""'),
            alias($._immediate_sub_expression, $.sub_expression),
          ),
        ),
        repeat(token.immediate('$')),
        token.immediate('"'),
      ),

    _string_literal_immediate: ($) =>
      seq(
        /[^']+/,
        '\'',
      ),

    command_name: ($) =>
      seq(
        choice(
          // ./build.ps1 and /usr/bin/env are command names too
          // no command name starts with a quote or a dash, typographic ones included
          /[^\{\}\(\);,\|\&`"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\s\r\n\[\]\+\-\u2013\u2014\u2015\*\$@<\!]+/,
          // A keyword with a dash after it is a command name (Process-Item, ForEach-Object, Do-Work):
          // keywords win over longer words, so each is spelled out
          // https://github.com/airbus-cert/tree-sitter-powershell/issues/24
          ...[...STATEMENT_KEYWORDS, 'clean', 'using'].map((keyword) => new RegExp(caseInsensitive(`${keyword}-`))),
        ),
        repeat(
          choice(
            token.immediate(/[^\{\}\(\);,\|\&"'\s\r\n]+/),
            seq(token.immediate('"'), $._expandable_string_literal_immediate),
            seq(token.immediate('\''), $._string_literal_immediate),
            token.immediate('""'),
            token.immediate('\'\''),
          ),
        ),
      ),

    path_command_name_token: ($) => /[0-9a-zA-Z_?\-\.\\]+/,

    // Use to parse command path
    path_command_name: ($) =>
      repeat1(choice($.path_command_name_token, $.variable)),

    command_name_expr: ($) =>
      choice($.command_name, $.path_command_name, $._primary_expression),

    command_elements: ($) => prec.right(repeat1($._command_element)),

    _command_element: ($) =>
      prec.right(
        choice(
          $.command_parameter,
          $._command_argument,
          $.redirection,
          $.stop_parsing,
          seq(alias($._end_of_parameters, $.command_parameter), optional($._argument_value)),
          // what looks like a parameter but goes on with a string, a variable, a dot or a bracket is an
          // argument: -dX="$y", -Dmaven.test.skip=true
          alias(
            seq(
              $.command_parameter,
              choice($._immediate_argument_part, alias(token.immediate(/[.\[][^\s(){}|;,&"'$`]*/), $.generic_token)),
              repeat($._argument_part),
            ),
            $.composite_argument,
          ),
        ),
      ),

    // Stop parsing is a token that end the parsing of command line
    stop_parsing: ($) => /--%[^\r\n]*/,

    // Generic token is hard to manage
    // So a definition is that a generic token must have to begin by one or more space char
    // Any blank PowerShell's tokenizer skips separates arguments: spaces, tabs, form feeds, no-break spaces.
    command_argument_sep: ($) => prec.right(choice(repeat1(choice(' ', '\t', '\f', '\v', '\u00a0')), ':')),

    // Adapt the grammar to have same behavior

    _command_argument: ($) =>
      prec.right(
        PREC.PARAM,
        choice(
          seq($.command_argument_sep, optional($._argument_value)),
          $.parenthesized_expression,
          $.script_block_expression,
        ),
      ),

    _argument_value: ($) =>
      choice(
        $.generic_token,
        // a dash alone is a bare word too (src/scanner.c): -Path -
        alias($._bare_dash, $.generic_token),
        $.composite_argument,
        alias($.argument_array, $.array_literal_expression),
      ),

    // In argument mode a list may mix bare words and expressions: -Tag Foo, 'Bar', $baz
    argument_array: ($) =>
      prec.left(
        choice(
          $.unary_expression,
          seq(
            $._argument_array_element,
            repeat1(seq(',', $._argument_array_element)),
          ),
        ),
      ),

    _argument_array_element: ($) =>
      choice($.generic_token, $.unary_expression, $.composite_argument),

    // Parts written with nothing between them are one argument: "Status: "$ok, $dir/file,
    // $Env:SystemDrive\Logs, "{"$item.Name"}". After the first part a bare part may not start
    // with . [ or ?, which go on an expression ($file.Name, $list[0]); after that it may.
    composite_argument: ($) =>
      prec.left(
        seq(
          choice($.generic_token, $.unary_expression),
          choice(
            alias(
              token.immediate(/[^\s(){}|;,&"'$`.\[?][^\s(){}|;,&"'$`]*/),
              $.generic_token,
            ),
            $._immediate_argument_part,
          ),
          repeat($._argument_part),
        ),
      ),

    _argument_part: ($) =>
      choice(alias(token.immediate(/[^\s(){}|;,&"'$`]+/), $.generic_token), $._immediate_argument_part),

    _immediate_argument_part: ($) =>
      choice(
        $._immediate_variable,
        // a $ that starts no variable is itself (cost$, a$%b), and a backtick escapes what follows (a`$b, Program` Files)
        alias(token.immediate('$'), $.generic_token),
        alias(token.immediate(/`[^\r\n]/), $.generic_token),
        alias($._immediate_sub_expression, $.sub_expression),
        alias(
          token.immediate(/'([^']|'')*'/),
          $.verbatim_string_characters,
        ),
        alias(
          seq(token.immediate('"'), $._expandable_string_literal_immediate),
          $.expandable_string_literal,
        ),
      ),

    verbatim_command_argument: ($) =>
      seq('--%', $._verbatim_command_argument_chars),

    redirections: ($) => repeat1($.redirection),

    redirection: ($) =>
      choice(
        $.merging_redirection_operator,
        seq($.file_redirection_operator, $.redirected_file_name),
      ),

    redirected_file_name: ($) =>
      choice($._command_argument, $._primary_expression),

    // Class
    class_attribute: ($) =>
      choice(token(reservedWord('hidden')), token(reservedWord('static'))),

    // Members take any number of attributes, type literals and hidden/static, in any order:
    // [DscProperty()] [ValidateSet('a')] hidden [string] $Kind
    class_property_definition: ($) =>
      seq(
        repeat(choice($.attribute, $.class_attribute)),
        $.variable,
        optional(seq('=', $._expression)),
      ),

    class_method_parameter: ($) => seq(repeat($.attribute), $.variable),

    class_method_parameter_list: ($) =>
      seq($.class_method_parameter, repeat(seq(',', $.class_method_parameter))),

    class_method_definition: ($) =>
      seq(
        repeat(choice($.attribute, $.class_attribute)),
        $.simple_name,
        '(',
        optional($.class_method_parameter_list),
        ')',
        // a constructor may call its base class's: Name() : base($x) { }
        optional(seq(':', reservedWord('base'), $.argument_list)),
        '{',
        optional($.script_block),
        '}',
      ),

    // [DscResource()] class Name : Base.Type, IInterface { ... }
    class_statement: ($) =>
      seq(
        optional($.attribute_list),
        reservedWord('class'),
        $.simple_name,
        // bases may be generic: class ByPriority : System.Collections.Generic.IComparer[Job]
        optional(seq(':', $._class_base, repeat(seq(',', $._class_base)))),
        '{',
        repeat(
          choice(
            seq(
              $.class_property_definition,
              $._statement_terminator,
              repeat(';'),
            ),
            $.class_method_definition,
          ),
        ),
        '}',
      ),

    _class_base: ($) => choice($.type_name, seq($.generic_type_name, $.generic_type_arguments, ']')),

    // Enums
    // [Flags()] enum Name : byte { ... }
    enum_statement: ($) =>
      seq(
        optional($.attribute_list),
        reservedWord('enum'),
        $.simple_name,
        optional(seq(':', $.type_name)),
        '{',
        repeat(seq($.enum_member, $._statement_terminator, repeat(';'))),
        '}',
      ),

    enum_member: ($) => seq($.simple_name, optional(seq('=', $._expression))),

    // Expressions
    _expression: ($) => choice($.logical_expression, $.ternary_expression),

    // PowerShell 7: condition ? if-true : if-false, below every binary operator
    ternary_expression: ($) =>
      prec.right(
        seq(
          field('condition', $.logical_expression),
          '?',
          field('consequence', $._expression),
          ':',
          field('alternative', $._expression),
        ),
      ),

    logical_expression: ($) =>
      prec.left(
        choice(
          $.bitwise_expression,
          seq(
            $.logical_expression,
            choice(
              reservedWord('-and'),
              reservedWord('-or'),
              reservedWord('-xor'),
            ),
            $.bitwise_expression,
          ),
        ),
      ),

    bitwise_expression: ($) =>
      prec.left(
        choice(
          $.comparison_expression,
          seq(
            $.bitwise_expression,
            choice(
              reservedWord('-band'),
              reservedWord('-bor'),
              reservedWord('-bxor'),
            ),
            $.comparison_expression,
          ),
        ),
      ),

    comparison_expression: ($) =>
      prec.left(
        choice(
          $.coalesce_expression,
          seq(
            $.comparison_expression,
            $.comparison_operator,
            $.coalesce_expression,
          ),
        ),
      ),

    // PowerShell 7: $a ?? $b, between comparison and addition
    coalesce_expression: ($) =>
      prec.right(
        choice(
          $.additive_expression,
          seq($.additive_expression, '??', $.coalesce_expression),
        ),
      ),

    additive_expression: ($) =>
      prec.left(
        choice(
          $.multiplicative_expression,
          seq(
            $.additive_expression,
            choice('+', '-'),
            $.multiplicative_expression,
          ),
        ),
      ),

    multiplicative_expression: ($) =>
      prec.left(
        choice(
          $.format_expression,
          seq(
            $.multiplicative_expression,
            choice('/', '\\', '%', '*'),
            $.format_expression,
          ),
        ),
      ),

    format_expression: ($) =>
      prec.left(
        choice(
          $.range_expression,
          seq($.format_expression, $.format_operator, $.range_expression),
        ),
      ),

    range_expression: ($) =>
      prec.left(
        choice(
          $.array_literal_expression,
          seq($.range_expression, '..', $.array_literal_expression),
        ),
      ),

    array_literal_expression: ($) =>
      prec.left(seq($.unary_expression, repeat(seq(',', $.unary_expression)))),

    unary_expression: ($) =>
      prec.right(
        choice(
          $._primary_expression,
          $.expression_with_unary_operator,
          alias($._unary_array_expression, $.expression_with_unary_operator),
        ),
      ),

    // ,$x makes a one-element array; not after a cast, where a comma separates
    // arguments: [OutputType([string], [int])]
    _unary_array_expression: ($) => seq(',', $.unary_expression),

    expression_with_unary_operator: ($) =>
      choice(
        seq(reservedWord('-not'), $.unary_expression),
        seq('!', $.unary_expression),
        seq(reservedWord('-bnot'), $.unary_expression),
        seq('+', $.unary_expression),
        seq(choice('-', '\u2013', '\u2014', '\u2015'), $.unary_expression),
        $.pre_increment_expression,
        $.pre_decrement_expression,
        $.cast_expression,
        seq(reservedWord('-split'), $.unary_expression),
        seq(reservedWord('-join'), $.unary_expression),
      ),

    pre_increment_expression: ($) => seq('++', $.unary_expression),
    pre_decrement_expression: ($) => seq('--', $.unary_expression),

    cast_expression: ($) =>
      prec(
        PREC.CAST,
        seq($.type_literal, alias($._cast_operand, $.unary_expression)),
      ),

    _cast_operand: ($) =>
      prec.right(
        choice($._primary_expression, $.expression_with_unary_operator),
      ),

    // A variable constrained by attributes where it is assigned:
    // [ValidateRange(0, 10)][int]$count = 5 ([int]$count alone stays a cast)
    attributed_variable: ($) =>
      prec.dynamic(-1, seq($.attribute_list, $.variable)),

    _primary_expression: ($) =>
      choice(
        $._value,
        $.member_access,
        $.element_access,
        $.invokation_expression,
        $.post_increment_expression,
        $.post_decrement_expression,
      ),

    _value: ($) =>
      choice(
        $.parenthesized_expression,
        $.sub_expression,
        $.array_expression,
        $.script_block_expression,
        $.hash_literal_expression,
        $._literal,
        $.type_literal,
        $.variable,
      ),

    parenthesized_expression: ($) => seq('(', $.pipeline, ')'),

    sub_expression: ($) =>
      seq('$(', field('statements', optional($.statement_list)), ')'),

    array_expression: ($) =>
      seq('@(', field('statements', optional($.statement_list)), ')'),

    // script_block holds the param block: { param($x) $x * 2 }
    script_block_expression: ($) => seq('{', optional($.script_block), '}'),

    hash_literal_expression: ($) =>
      seq('@{', optional($.hash_literal_body), '}'),

    hash_literal_body: ($) => repeat1($.hash_entry),

    hash_entry: ($) =>
      seq(
        $.key_expression,
        '=',
        $._statement,
        $._statement_terminator,
        repeat(';'),
      ),

    key_expression: ($) => choice($.simple_name, $.unary_expression),

    post_increment_expression: ($) =>
      prec(PREC.UNARY, seq($._primary_expression, '++')),

    post_decrement_expression: ($) =>
      prec(PREC.UNARY, seq($._primary_expression, '--')),

    member_access: ($) =>
      prec.left(
        choice(
          seq($._primary_expression, token.immediate('.'), $.member_name),
          // PowerShell 7: ${a}?.b
          seq($._primary_expression, token.immediate('?.'), $.member_name),
          seq($._primary_expression, '::', $.member_name),
        ),
      ),

    member_name: ($) =>
      choice(
        $.simple_name,
        $.string_literal,
        $.expression_with_unary_operator,
        $._value,
      ),

    element_access: ($) =>
      prec(
        PREC.ELEMENT_ACCESS,
        seq(
          $._primary_expression,
          // PowerShell 7: ${a}?[0]
          choice('[', token.immediate('?[')),
          $._expression,
          ']',
        ),
      ),

    // A method call binds its parentheses before argument mode reads them as a new argument.
    invokation_expression: ($) =>
      choice(
        prec(
          PREC.INVOKE,
          seq(
            $._primary_expression,
            choice(token.immediate('.'), token.immediate('?.')),
            $.member_name,
            $.argument_list,
          ),
        ),
        prec(
          PREC.INVOKE,
          seq($._primary_expression, '::', $.member_name, $.argument_list),
        ),
        $.invokation_foreach_expression,
      ),

    // A method called with one script block and no parentheses: $list.Where{ $_ }, .ForEach{ }
    invokation_foreach_expression: ($) =>
      seq(
        $._primary_expression,
        token.immediate('.'),
        $.member_name,
        alias($._immediate_script_block_expression, $.script_block_expression),
      ),

    _immediate_script_block_expression: ($) =>
      seq(token.immediate('{'), optional($.script_block), '}'),

    argument_list: ($) =>
      seq(
        '(',
        field('argument_expression_list', optional($.argument_expression_list)),
        ')',
      ),

    argument_expression_list: ($) =>
      prec.left(
        seq($.argument_expression, repeat(seq(',', $.argument_expression))),
      ),

    argument_expression: ($) =>
      choice(
        $.logical_argument_expression,
        alias($.ternary_argument_expression, $.ternary_expression),
      ),

    ternary_argument_expression: ($) =>
      prec.right(
        seq(
          field('condition', $.logical_argument_expression),
          '?',
          field('consequence', $.argument_expression),
          ':',
          field('alternative', $.argument_expression),
        ),
      ),

    logical_argument_expression: ($) =>
      prec.left(
        choice(
          $.bitwise_argument_expression,
          seq(
            $.logical_argument_expression,
            choice(
              reservedWord('-and'),
              reservedWord('-or'),
              reservedWord('-xor'),
            ),
            $.bitwise_argument_expression,
          ),
        ),
      ),

    bitwise_argument_expression: ($) =>
      prec.left(
        choice(
          $.comparison_argument_expression,
          seq(
            $.bitwise_argument_expression,
            choice(
              reservedWord('-and'),
              reservedWord('-or'),
              reservedWord('-xor'),
            ),
            $.comparison_argument_expression,
          ),
        ),
      ),

    comparison_argument_expression: ($) =>
      prec.left(
        choice(
          $.coalesce_argument_expression,
          seq(
            $.comparison_argument_expression,
            $.comparison_operator,
            $.coalesce_argument_expression,
          ),
        ),
      ),

    coalesce_argument_expression: ($) =>
      prec.right(
        choice(
          $.additive_argument_expression,
          seq(
            $.additive_argument_expression,
            '??',
            $.coalesce_argument_expression,
          ),
        ),
      ),

    additive_argument_expression: ($) =>
      prec.left(
        choice(
          $.multiplicative_argument_expression,
          seq(
            $.additive_argument_expression,
            choice('+', '-'),
            $.multiplicative_argument_expression,
          ),
        ),
      ),

    multiplicative_argument_expression: ($) =>
      prec.left(
        choice(
          $.format_argument_expression,
          seq(
            $.multiplicative_argument_expression,
            choice('/', '\\', '%', '*'),
            $.format_argument_expression,
          ),
        ),
      ),

    format_argument_expression: ($) =>
      prec.left(
        choice(
          $.range_argument_expression,
          seq(
            $.format_argument_expression,
            $.format_operator,
            $.range_argument_expression,
          ),
        ),
      ),

    range_argument_expression: ($) =>
      prec.left(
        choice(
          $.unary_expression,
          seq($.range_argument_expression, '..', $.unary_expression),
        ),
      ),

    // An assembly-qualified type: [Windows.UI.Notifications.ToastNotificationManager, Windows.UI, ContentType = WindowsRuntime]
    type_literal: ($) =>
      seq('[', $.type_spec, optional(seq(',', $.assembly_name)), ']'),

    assembly_name: ($) => /[^\[\]\r\n]+/,

    type_spec: ($) =>
      choice(
        seq($.array_type_name, optional($.dimension), ']'),
        seq($.generic_type_name, $.generic_type_arguments, ']'),
        $.type_name,
      ),

    dimension: ($) => repeat1(','),

    // Dictionary[string,object] or, as .NET writes them, Dictionary[[string],[object]]
    generic_type_arguments: ($) =>
      seq(
        $._generic_type_argument,
        repeat(seq(',', $._generic_type_argument)),
      ),

    _generic_type_argument: ($) => choice($.type_spec, seq('[', $.type_spec, ']')),

    // Attributes
    attribute_list: ($) => repeat1($.attribute),

    attribute: ($) =>
      choice(
        seq(
          '[',
          $.attribute_name,
          '(',
          optional($.attribute_arguments),
          ')',
          ']',
        ),
        $.type_literal,
      ),

    attribute_name: ($) => $.type_spec,

    attribute_arguments: ($) =>
      seq($.attribute_argument, repeat(seq(',', $.attribute_argument))),

    // Commas separate arguments, so an argument is no comma list:
    // [OutputType([string], ParameterSetName = 'A')] has two.
    attribute_argument: ($) =>
      choice(
        $.argument_expression,
        seq($.simple_name, optional(seq('=', $.argument_expression))),
      ),
  },
});

/**
 * The characters of a variable: $name, $scope:name, $env:Path, $using:env:Path (or @name when splatted).
 *
 * @param {string} sigil
 */
function variableToken(sigil) {
  return seq(
    sigil,
    optional(
      seq(
        choice(
          reservedWord('global:'),
          reservedWord('local:'),
          reservedWord('private:'),
          reservedWord('script:'),
          reservedWord('using:'),
          reservedWord('workflow:'),
          /[\p{L}\p{N}_]+/,
        ),
        ':',
        // a scope, then a drive: $using:env:COMPUTERNAME
        optional(seq(/[\p{L}\p{N}_]+/, ':')),
      ),
    ),
    /[\p{L}\p{N}_]+|\?/,
  );
}

// inspired from https://github.com/tree-sitter/tree-sitter/issues/261
/**
 * Creates a rule to match a case insensitive reserved keyword
 *
 * @param {string} word
 */
function reservedWord(word) {
  // return word // when debuging
  return alias(reserved(caseInsensitive(word)), word);
}

/**
 * Create a reserved regex keyword
 *
 * @param {regex} regex
 */
function reserved(regex) {
  return prec(PREC.KEYWORD, new RegExp(regex));
}

/**
 * Return case insensitive regex for a word
 *
 * @param {string} word
 */
function caseInsensitive(word) {
  return word
    .split('')
    .map((letter) =>
      // PowerShell takes typographic dashes for dashes (-eq, \u2013eq)
      letter === '-' ? '[-\u2013\u2014\u2015]' : `[${letter}${letter.toUpperCase()}]`,
    )
    .join('');
}
