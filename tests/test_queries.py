"""Every named query parses, says what it answers and names its parameters."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from newsgraph import queries


@pytest.mark.parametrize("name", queries.names())
def test_named_query_parses_and_is_documented(name: str) -> None:
    named = queries.get(name)
    assert named.title, f"{name}.rq must start with a comment saying what it answers"
    store = ox.Store()
    if name.startswith("virtuoso-"):  # calls Virtuoso's own functions, which Oxigraph parses
        with pytest.raises(RuntimeError, match="custom function"):
            store.query(named.text)
    else:
        store.query(named.text)  # raises SyntaxError when the query does not parse
    # A parameter is read as a variable, or switches lines on (`# when NAME`, `# when A|B`).
    switches = {
        n for group in re.findall(r"#\s*when\s+([\w|]+)", named.text) for n in group.split("|")
    }
    for param in named.params:
        assert f"?{param}" in named.text or param in switches, param
