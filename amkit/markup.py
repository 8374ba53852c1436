"""The building blocks of amkit's HTML: one style sheet, escaped tables, sizes for people.

Every rich view (a package's, a report's, a widget's) is assembled from these,
next to the object it shows, so the core never imports the front end. Whatever
comes from a package is untrusted: callers pass it through :func:`html.escape`
before it reaches :func:`table`, whose headers are escaped here.
"""

from __future__ import annotations

from html import escape

__all__ = ["BOX", "format_size", "table"]

#: The style sheet every amkit view starts with; its classes are ``amkit-box``, ``amkit-tag`` and ``amkit-bad``.
_STYLE = (
    "<style>.amkit-box{font-family:var(--jp-content-font-family,sans-serif);font-size:13px}"
    ".amkit-box table{border-collapse:collapse;margin:4px 0}"
    ".amkit-box th,.amkit-box td{padding:2px 8px;text-align:left;border-bottom:1px solid #ddd}"
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
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
