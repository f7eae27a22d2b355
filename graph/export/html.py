"""A JSON-LD document as a ``<script type="application/ld+json">`` element for a page's head.

Inside a script element, HTML ends the element at the first ``</script`` whatever JSON string
it sits in, and ``<!--`` changes how the rest is read. So ``<``, ``>`` and ``&`` are written as
JSON escapes (``\\u003c``, ``\\u003e``, ``\\u0026``) — which JSON reads back as the same
characters — and the element's text never contains ``<`` at all. U+2028 and U+2029 are escaped
too, for pages that hand the text to JavaScript.

>>> print(script_element({"headline": "</script><b>A & B</b>"}), end="")
<script type="application/ld+json">
{"headline": "\\u003c/script\\u003e\\u003cb\\u003eA \\u0026 B\\u003c/b\\u003e"}
</script>
"""

from __future__ import annotations

import json
from typing import Any

_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def script_text(json_text: str) -> str:
    """JSON text made safe to sit inside a script element (it parses to the same value).

    The characters replaced can only occur inside JSON strings, where their escapes mean the same.
    """
    for character, escape in _ESCAPES:
        if character in json_text:
            json_text = json_text.replace(character, escape)
    return json_text


def script_element(document: Any, *, indent: int | None = None) -> str:
    """The document as a script element, one line per part, ending with a newline."""
    text = json.dumps(document, ensure_ascii=False, indent=indent)
    return wrap(text)


def wrap(json_text: str) -> str:
    return f'<script type="application/ld+json">\n{script_text(json_text)}\n</script>\n'
