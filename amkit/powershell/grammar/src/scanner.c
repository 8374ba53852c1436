// Copyright (c) Microsoft Corporation. All rights reserved.
// Licensed under the MIT License. See the LICENSE file in the project root for full license information.

#include "tree_sitter/parser.h"
#include <wctype.h>

enum TOKEN_TYPE {
    STATEMENT_TERMINATOR,
    HERE_STRING_LINE_BREAK,
    TRAILING_DOT_REAL,
    BARE_DASH
};

/* --- API --- */

void *tree_sitter_powershell_external_scanner_create();

void tree_sitter_powershell_external_scanner_destroy(void *p);

unsigned tree_sitter_powershell_external_scanner_serialize(void *payload, char *buffer);

void tree_sitter_powershell_external_scanner_deserialize(void *payload, const char *buffer, unsigned length);

bool tree_sitter_powershell_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols);

/* --- Internal Functions --- */

static void skip(TSLexer *lexer) { lexer->advance(lexer, true); }

/* Consume `word` (lower case) in any case; whether all of it was there. */
static bool consume_word(TSLexer *lexer, const char *word)
{
    for (; *word; word++) {
        if (towlower(lexer->lookahead) != (wint_t)*word) return false;
        skip(lexer);
    }
    return true;
}

static bool at_word_end(TSLexer *lexer)
{
    return !(iswalnum(lexer->lookahead) || lexer->lookahead == '_' || lexer->lookahead == '-');
}

/* After a line break, whether the next line goes on with the statement before it: no statement
 * starts with else, elseif, catch or finally, so `}` then `else` on a later line (as in
 * `Value = if ($x) { 1 }` NEWLINE `else { 2 }` inside a hashtable) is one if statement.
 * Only looks ahead: the terminator's end is already marked. */
static bool continues_on_next_line(TSLexer *lexer)
{
    for (;;) {
        while (iswspace(lexer->lookahead)) skip(lexer);
        if (lexer->lookahead != '#') break;
        while (lexer->lookahead != 0 && lexer->lookahead != '\n' && lexer->lookahead != '\r') skip(lexer);
    }
    switch (towlower(lexer->lookahead)) {
        case 'e':  // else, elseif
            if (!consume_word(lexer, "else")) return false;
            if (towlower(lexer->lookahead) == 'i' && !consume_word(lexer, "if")) return false;
            return at_word_end(lexer);
        case 'c': return consume_word(lexer, "catch") && at_word_end(lexer);
        case 'f': return consume_word(lexer, "finally") && at_word_end(lexer);
        default: return false;
    }
}

static bool scan_statement_terminator(void *payload, TSLexer *lexer, const bool *valid_symbols)
{
    if (valid_symbols[STATEMENT_TERMINATOR]) {
        lexer->result_symbol = STATEMENT_TERMINATOR;
        // This token has no characters -- everything is lookahead to determine its existence
        lexer->mark_end(lexer);

        for (;;) {
            if (lexer->lookahead == 0) return true;
            if (lexer->lookahead == '}') return true;
            if (lexer->lookahead == ';') return true;
            if (lexer->lookahead == ')') return true;
            // A line ends with LF, CR LF, or a CR alone (as in old Mac files).
            if (lexer->lookahead == '\n' || lexer->lookahead == '\r') return !continues_on_next_line(lexer);
            if (lexer->lookahead == '`') {
                // A backtick before a line break (or before blanks) continues the line:
                // `-f $Name `` then `)` on the next line ends at the `)`.
                skip(lexer);
                if (lexer->lookahead == '\r') {
                    skip(lexer);
                    if (lexer->lookahead == '\n') skip(lexer);
                    continue;
                }
                if (lexer->lookahead != '\n' && lexer->lookahead != ' ' && lexer->lookahead != '\t') return false;
                skip(lexer);
                continue;
            }
            if (!iswspace(lexer->lookahead)) return false;
            skip(lexer);
        }
    }

    return false;
}

static bool is_double_quote(int32_t c)
{
    return c == '"' || c == 0x201C || c == 0x201D || c == 0x201E;
}

/* Inside @" ... "@: the line breaks before a line that does not close the here-string, so that
 * a line may start with $variable or $( ) and the grammar still sees the closing "@ line. */
static bool scan_here_string_line_break(TSLexer *lexer)
{
    if (lexer->lookahead != '\n' && lexer->lookahead != '\r') return false;
    while (lexer->lookahead == '\n' || lexer->lookahead == '\r') lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    if (is_double_quote(lexer->lookahead)) {
        lexer->advance(lexer, false);
        if (lexer->lookahead == '@') return false;
    }
    lexer->result_symbol = HERE_STRING_LINE_BREAK;
    return true;
}

/* A real written with nothing after its dot (1.), followed by blank, a closing bracket, a separator
 * or the end; 1..5 (a range), 1.5 and 1.2.3 are left to the grammar. */
static bool scan_trailing_dot_real(TSLexer *lexer)
{
    if (!iswdigit(lexer->lookahead)) return false;
    while (iswdigit(lexer->lookahead)) lexer->advance(lexer, false);
    if (lexer->lookahead != '.') return false;
    lexer->advance(lexer, false);
    int32_t next = lexer->lookahead;
    if (!(next == 0 || iswspace(next) || next == ')' || next == '}' || next == ']' || next == ';' ||
          next == ',' || next == '|')) {
        return false;
    }
    lexer->mark_end(lexer);
    lexer->result_symbol = TRAILING_DOT_REAL;
    return true;
}

static bool is_dash(int32_t c)
{
    return c == '-' || c == 0x2013 || c == 0x2014 || c == 0x2015;
}

/* A dash alone as an argument (`-Path -`), which PowerShell passes as the text "-": followed by
 * blank, a line end, a separator or the end. */
static bool scan_bare_dash(TSLexer *lexer)
{
    lexer->advance(lexer, false);
    int32_t next = lexer->lookahead;
    if (!(next == 0 || iswspace(next) || next == ';' || next == '|' || next == ')' || next == '}')) return false;
    lexer->mark_end(lexer);
    lexer->result_symbol = BARE_DASH;
    return true;
}

/* --- API Implementation --- */

bool tree_sitter_powershell_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols)
{
    if (valid_symbols[HERE_STRING_LINE_BREAK] && !valid_symbols[STATEMENT_TERMINATOR]) {
        return scan_here_string_line_break(lexer);
    }
    // A statement may end, or a number start, here (return 1.): the terminator looks at blanks and
    // line ends only, and when it finds neither the lookahead is past the blanks.
    if (scan_statement_terminator(payload, lexer, valid_symbols)) return true;
    while (lexer->lookahead == ' ' || lexer->lookahead == '\t') skip(lexer);
    if (valid_symbols[TRAILING_DOT_REAL] && iswdigit(lexer->lookahead)) return scan_trailing_dot_real(lexer);
    if (valid_symbols[BARE_DASH] && is_dash(lexer->lookahead)) return scan_bare_dash(lexer);
    return false;
}

void *tree_sitter_powershell_external_scanner_create()
{
    return NULL;
}

void tree_sitter_powershell_external_scanner_destroy(void *p)
{
}

unsigned tree_sitter_powershell_external_scanner_serialize(void *payload, char *buffer)
{
    return 0;
}

void tree_sitter_powershell_external_scanner_deserialize(void *payload, const char *buffer, unsigned length)
{
}
