"""The building blocks of amkit's HTML: one style sheet, escaped tables, sizes for people.

Every rich view (a package's, a report's, a widget's) is assembled from these,
next to the object it shows, so the core never imports the front end. Whatever
comes from a package is untrusted: callers pass it through :func:`html.escape`
(or :func:`text_cell`, which escapes) before it reaches :func:`table`, whose
headers are escaped here.

Tables fit the box they are shown in: short cells (names, versions, times)
stay on one line, long texts wrap in a column of readable width, and a table
wider than its box scrolls sideways inside it rather than running off it.
"""

from __future__ import annotations

from html import escape

__all__ = ["BOX", "format_size", "table", "text_cell"]

#: Texts longer than this wrap inside their cell; shorter ones stay on one line.
LONG_TEXT = 60

#: The style sheet every amkit view starts with; its classes are ``amkit-box``, ``amkit-tag`` and ``amkit-bad``.
_STYLE = (
    "<style>.amkit-box{font-family:var(--jp-content-font-family,sans-serif);font-size:13px}"
    ".amkit-box table{border-collapse:collapse;margin:4px 0}"
    ".amkit-box th,.amkit-box td{padding:2px 8px;text-align:left;vertical-align:top;white-space:nowrap;"
    "border-bottom:1px solid #ddd}"
    ".amkit-scroll{overflow-x:auto;max-width:100%}"
    ".amkit-long{display:inline-block;white-space:normal;min-width:16em;max-width:40em}"
    ".amkit-tag{background:#e8f0fe;border-radius:3px;padding:0 4px;margin-left:4px}"
    ".amkit-bad{color:#b3261e}</style>"
)

#: How every amkit view opens: the style sheet, then its box, which MathJax leaves alone (Jupyter typesets
#: $...$ in HTML as mathematics, and package text such as $script:x holds dollar signs), as pandas does.
BOX = _STYLE + "<div class='amkit-box tex2jax_ignore mathjax_ignore'>"


def format_size(size: int) -> str:
    """``1536`` -> ``1.5 KiB``: a byte count for people."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def table(headers: list[str], rows: list[list[str]]) -> str:
    """An HTML table: ``headers`` are escaped here; ``rows`` hold cells that are HTML already (caller-escaped)."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<div class='amkit-scroll'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def text_cell(text: str) -> str:
    """``text`` escaped for a table cell; a long one in a block that wraps, so its row keeps a sane width."""
    escaped = escape(text)
    return f"<span class='amkit-long'>{escaped}</span>" if len(text) > LONG_TEXT else escaped
