"""newsgraph's token-based reading of SPARQL (graph/sparql/sparqltext.py, the checks in graph/sparql/__init__.py)
against real parsers, on generated texts.

Against rdflib's SPARQL parser: generated queries and updates put the words FROM, NAMED,
SERVICE, LOAD, USING and WITH (in any case) inside prefix labels, local names, variable names,
language tags, strings (short and long, with escapes), comments and IRIs, next to real FROM /
FROM NAMED clauses, SERVICE patterns, LOAD, WITH and USING. For every text rdflib parses,
newsgraph's answers equal what the parse tree holds: whether the query names its dataset,
whether it is refused for SERVICE or LOAD and the endpoints SERVICE would call, whether an
update names its dataset, where ``queries.bind`` and ``add_using`` put their clauses. The
control runs the same property with substring-based answers and shows it fails.

Against the engine (pyoxigraph): generated texts glue these keywords to their neighbours
(``trueSERVICE<…>``, ``ASKFROM<…>``, ``SERVICEe:q``), which rdflib rejects but Oxigraph reads.
Whenever the engine reads SERVICE or LOAD, newsgraph refuses the text; whenever it reads a
dataset clause, newsgraph says so, and only then. The SERVICE and LOAD endpoints are on port 1,
which the engine refuses to call: nothing is sent.

Every property is derandomised (the same examples on every run) and takes a few seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from newsgraph.errors import QueryRefused
from newsgraph.queries import bind
from newsgraph.sparql import check_query, check_update, sparqltext
from rdflib import URIRef, Variable
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

PROPERTY = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
# The controls only need one counterexample: no shrinking.
CONTROL = settings(PROPERTY, phases=[Phase.explicit, Phase.generate])
# The engine answers in microseconds: many more glued texts.
ENGINE = settings(PROPERTY, max_examples=200)

WORDS = ("FROM", "NAMED", "SERVICE", "LOAD", "USING", "WITH")


def any_case(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda upper: "".join(
            c.upper() if u else c.lower() for c, u in zip(word, upper, strict=True)
        )
    )


keyword = st.sampled_from(WORDS).flatmap(any_case)


def holding(heads: tuple[str, ...], tails: tuple[str, ...]) -> st.SearchStrategy[str]:
    """A name with one of the words inside it."""
    return st.tuples(st.sampled_from(heads), keyword, st.sampled_from(tails)).map("".join)


labels = holding(("", "data", "x", "my"), ("", "Schema", "2", "_a", "-b"))
local_names = holding(("", "a", "1", "x."), ("", "s", "_1", "-x", ".y"))
var_names = holding(("", "v", "_"), ("", "1", "_x", "s"))
language_tags = st.tuples(st.sampled_from(("en", "de", "x")), keyword).map(
    lambda pair: f"@{pair[0]}-{pair[1]}"
)
iris = st.tuples(keyword, keyword).map(lambda w: f"<http://e.example/{w[0]}/a{w[1]}#{w[0]}>")
# What strings and comments hold: the words, and characters that end or open other tokens.
bits = st.one_of(
    keyword,
    st.sampled_from(
        (" ", "{", "}", "#", "<x>", "?v", "@en", ";", "\\\\", "\\t", "\\u0041", "PREFIX e:")
    ),
)
QUOTES = {'"': ("'", '\\"'), "'": ('"', "\\'"), '"""': ('"a', '""a', "\n", "'"),
          "'''": ("'a", "''a", "\n", '"')}  # fmt: skip


@st.composite
def strings(draw: st.DrawFn) -> str:
    quote = draw(st.sampled_from(sorted(QUOTES)))
    inner = draw(st.lists(st.one_of(bits, st.sampled_from(QUOTES[quote])), max_size=5))
    return f"{quote}{''.join(inner)}.{quote}"


comments = st.lists(bits, max_size=4).map(lambda inner: f" # {''.join(inner)}\n")
gaps = st.one_of(st.sampled_from((" ", "\n", "\t ")), comments)


class Writer:
    """Draws the pieces of one text, using only the prefix labels it declares."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.labels = draw(st.lists(labels, min_size=1, max_size=3, unique=True))

    def gap(self) -> str:
        return self.draw(gaps)

    def word(self, word: str) -> str:
        return self.draw(any_case(word))

    def prologue(self) -> str:
        base = self.draw(st.sampled_from(("", "BASE <http://b.example/from/> ")))
        return base + "".join(
            f"{self.word('PREFIX')} {label}: <http://p.example/{i}/>{self.gap()}"
            for i, label in enumerate(self.labels)
        )

    def pname(self) -> str:
        return f"{self.draw(st.sampled_from(self.labels))}:{self.draw(local_names)}"

    def var(self) -> str:
        return "?" + self.draw(var_names)

    def iri(self) -> str:
        """An IRI, written out or as a prefixed name."""
        return self.draw(iris) if self.draw(st.booleans()) else self.pname()

    def literal(self) -> str:
        text = self.draw(strings())
        how = self.draw(st.sampled_from(("", "tag", "type")))
        if how == "tag":
            return text + self.draw(language_tags)
        return text + (f"^^{self.iri()}" if how else "")

    def term(self, position: str, variables: bool = True) -> str:
        kinds = ["iri", "pname"] + (["var"] if variables else [])
        kinds += {"p": ["a"], "o": ["literal", "true", "1.5e3"]}.get(position, [])
        kind = self.draw(st.sampled_from(kinds))
        if kind == "iri":
            return self.draw(iris)
        return {"pname": self.pname, "var": self.var, "literal": self.literal}.get(
            kind, lambda: kind
        )()

    def triple(self, variables: bool = True) -> str:
        return " ".join(self.term(p, variables) for p in "spo")

    def group(self, depth: int = 0) -> str:
        kinds = ["triples", "filter", "bind"]
        if depth < 1:
            kinds += ["service", "optional", "union", "subquery", "graph"]
        parts = []
        most = 3 if depth == 0 else 2
        for kind in self.draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=most)):
            if kind == "triples":
                parts.append(self.triple() + " .")
            elif kind == "filter":
                parts.append(f"FILTER({self.var()} != {self.literal()})")
            elif kind == "bind":
                parts.append(f"BIND({self.literal()} AS {self.var()})")
            elif kind == "service":
                silent = self.word("SILENT") + " " if self.draw(st.booleans()) else ""
                target = self.draw(st.sampled_from((self.iri, self.var)))()
                parts.append(f"{self.word('SERVICE')} {silent}{target} {self.group(depth + 1)}")
            elif kind == "optional":
                parts.append(f"OPTIONAL {self.group(depth + 1)}")
            elif kind == "union":
                parts.append(f"{self.group(depth + 1)} UNION {self.group(depth + 1)}")
            elif kind == "graph":
                parts.append(f"GRAPH {self.term('g')} {self.group(depth + 1)}")
            else:
                parts.append(
                    f"{{ SELECT {self.var()} {self.word('WHERE')} {self.group(depth + 1)} }}"
                )
        return "{" + self.gap() + self.gap().join(parts) + self.gap() + "}"

    def dataset(self) -> str:
        clauses = self.draw(st.lists(st.sampled_from(("", "NAMED")), max_size=2))
        return "".join(
            f"{self.word('FROM')} {self.word(named) + ' ' if named else ''}{self.iri()}{self.gap()}"
            for named in clauses
        )


@st.composite
def queries(draw: st.DrawFn) -> str:
    w = Writer(draw)
    form = draw(st.sampled_from(("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")))
    if form == "SELECT":
        projection = draw(st.sampled_from(("*", "vars", "(COUNT(*) AS ?n)")))
        if projection == "vars":
            projection = " ".join(w.var() for _ in range(draw(st.integers(1, 2))))
        head = f"SELECT {draw(st.sampled_from(('', 'DISTINCT ')))}{projection}"
    elif form == "CONSTRUCT":
        head = f"CONSTRUCT {{ {w.triple()} }}"
    elif form == "DESCRIBE":
        head = f"DESCRIBE {w.term('s')}"
    else:
        head = "ASK"
    where = draw(st.sampled_from(("", w.word("WHERE") + " ")))
    body = w.group()
    if form == "DESCRIBE" and draw(st.booleans()):
        where, body = "", ""
    tail = draw(st.sampled_from(("", " LIMIT 5", " ORDER BY ?v"))) if body else ""
    return f"{w.prologue()}{head}{w.gap()}{w.dataset()}{where}{body}{tail}"


@st.composite
def updates(draw: st.DrawFn) -> str:
    w = Writer(draw)
    operations = []
    for kind in draw(st.lists(st.sampled_from(("data", "modify", "where", "load", "clear")),
                              min_size=1, max_size=3)):  # fmt: skip
        if kind == "data":
            verb = draw(st.sampled_from(("INSERT", "DELETE")))
            data = w.triple(variables=False)
            if draw(st.booleans()):
                data = f"GRAPH {w.iri()} {{ {data} }}"
            operations.append(f"{verb} DATA {{ {data} }}")
        elif kind == "modify":
            with_ = draw(st.sampled_from(("", f"{w.word('WITH')} {w.iri()} ")))
            templates = draw(st.sampled_from(("DELETE", "INSERT", "DELETE INSERT")))
            templates = " ".join(f"{verb} {{ {w.triple()} }}" for verb in templates.split())
            using = "".join(
                f"{w.word('USING')} {w.word(named) + ' ' if named else ''}{w.iri()}{w.gap()}"
                for named in draw(st.lists(st.sampled_from(("", "NAMED")), max_size=2))
            )
            operations.append(f"{with_}{templates}{w.gap()}{using}{w.word('WHERE')} {w.group()}")
        elif kind == "where":
            operations.append(f"DELETE {w.word('WHERE')} {{ {w.triple()} }}")
        elif kind == "load":
            silent = draw(st.sampled_from(("", w.word("SILENT") + " ")))
            into = draw(st.sampled_from(("", f" INTO GRAPH {w.iri()}")))
            operations.append(f"{w.word('LOAD')} {silent}{w.iri()}{into}")
        else:
            operations.append(draw(st.sampled_from(("CLEAR ALL", f"CLEAR GRAPH {w.iri()}"))))
    return w.prologue() + (" ;" + w.gap()).join(operations)


# -- what rdflib's parse tree holds -----------------------------------------------------------


def _nodes(tree: Any) -> Iterator[CompValue]:
    """Every node of a parse tree, in document order. (A CompValue's own ``get`` answers a
    missing key with the key's name: keys are read with ``dict.get``.)"""
    if isinstance(tree, CompValue):
        yield tree
        for value in tree.values():
            yield from _nodes(value)
    elif isinstance(tree, list | tuple) or hasattr(tree, "asList"):
        for value in tree:
            yield from _nodes(value)


def _parsed(parse: Callable[[str], Any], text: str) -> Any:
    try:
        return parse(text)
    except Exception:  # rdflib raises pyparsing's errors and others for what it cannot read
        return None


def _targets(tree: Any) -> list[str | None]:
    prologue = translatePrologue(tree[0], None)
    found: list[str | None] = []
    for node in _nodes(tree):
        if node.name == "ServiceGraphPattern":
            term = node["term"]
            found.append(None if isinstance(term, Variable) else str(prologue.absolutize(term)))
    return found


def parser_answers(tree: Any) -> dict[str, object]:
    """What rdflib's parse tree of a query holds."""
    return {
        "dataset": bool(dict.get(tree[1], "datasetClause")),
        "refused": any(node.name == "ServiceGraphPattern" for node in _nodes(tree)),
        "concealed": set(),  # a text rdflib parses hides no keyword in a longer name
        "targets": _targets(tree),
    }


def newsgraph_answers(text: str) -> dict[str, object]:
    """The same questions, as newsgraph reads the query."""
    return {
        "dataset": sparqltext.has_dataset_clause(text),
        "refused": _refused(check_query, text),
        "concealed": sparqltext.concealed_keywords(text, WORDS),
        "targets": sparqltext.service_targets(text),
    }


def _refused(check: Callable[[str], None], text: str) -> bool:
    try:
        check(text)
    except QueryRefused:
        return True
    return False


Answers = Callable[[str], dict[str, object]]


def _check_queries(answers: Answers, settings_: Any) -> None:
    @settings_
    @given(queries())
    def run(text: str) -> None:
        tree = _parsed(parseQuery, text)
        assume(tree is not None)
        assert answers(text) == parser_answers(tree), text
        # the VALUES block of the binder opens the WHERE group
        bound = _parsed(parseQuery, bind(text, {"bound": ox.NamedNode("http://b.x/")}))
        assert bound is not None, text
        first = bound[1]["where"]["part"][0]
        assert first.name == "InlineData" and first["var"] == [Variable("bound")], text

    run()


def test_queries_read_as_rdflib_parses_them() -> None:
    _check_queries(newsgraph_answers, PROPERTY)


def update_parser_answers(tree: Any) -> dict[str, object]:
    operations = list(tree.request)
    return {
        "dataset": any(dict.get(op, "withClause") or dict.get(op, "using") for op in operations),
        "refused": any(node.name in ("Load", "ServiceGraphPattern") for node in _nodes(tree)),
        "concealed": set(),
    }


def update_newsgraph_answers(text: str) -> dict[str, object]:
    return {
        "dataset": sparqltext.has_update_dataset_clause(text),
        "refused": _refused(check_update, text),
        "concealed": sparqltext.concealed_keywords(text, WORDS),
    }


USING = "http://using.example/g"
USING_NAMED = "http://using.example/n"


def _check_updates(answers: Answers, settings_: Any) -> None:
    @settings_
    @given(updates())
    def run(text: str) -> None:
        tree = _parsed(parseUpdate, text)
        assume(tree is not None)
        expected = update_parser_answers(tree)
        assert answers(text) == expected, text
        if expected["dataset"]:
            return
        # add_using gives every operation with a WHERE the protocol's dataset, and only those
        rewritten = _parsed(parseUpdate, sparqltext.add_using(text, [USING], [USING_NAMED]))
        assert rewritten is not None, text
        after = list(rewritten.request)
        assert [op.name for op in after] == [
            "Modify" if op.name == "DeleteWhere" else op.name for op in tree.request
        ], text
        for op in after:
            if op.name == "Modify":
                clauses = [(dict.get(u, "default"), dict.get(u, "named")) for u in op["using"]]
                assert clauses == [(URIRef(USING), None), (None, URIRef(USING_NAMED))], text

    run()


def test_updates_read_as_rdflib_parses_them() -> None:
    _check_updates(update_newsgraph_answers, PROPERTY)


def _substring_rule(word: str) -> Callable[[str], bool]:
    """The defect's rule, for the controls: ``word`` anywhere inside a word, a prefixed name
    (its label included) or a language tag counts."""

    def holds(text: str) -> bool:
        return any(
            word in token.text.upper()
            for token in sparqltext.tokens(text)
            if token.kind in ("word", "pname", "langtag")
        )

    return holds


@pytest.mark.parametrize(
    ("check", "answers", "key", "word"),
    [
        (_check_queries, newsgraph_answers, "dataset", "FROM"),
        (_check_queries, newsgraph_answers, "refused", "SERVICE"),
        (_check_updates, update_newsgraph_answers, "dataset", "WITH"),
        (_check_updates, update_newsgraph_answers, "refused", "LOAD"),
    ],
)
def test_control_a_substring_rule_is_caught(
    check: Callable[[Answers, Any], None], answers: Answers, key: str, word: str
) -> None:
    """The same properties, with one answer taken from substrings, fail: they would have caught
    the defect (``PREFIX datafrom:`` read as FROM, ``"x"@en-service`` as SERVICE, …)."""
    rule = _substring_rule(word)

    def substituted(text: str) -> dict[str, object]:
        return {**answers(text), key: rule(text)}

    with pytest.raises(AssertionError):
        check(substituted, CONTROL)


# -- the engine: keywords glued to their neighbours ---------------------------------------------

CLOSED = "http://127.0.0.1:1/"  # the engine refuses to call port 1, so nothing leaves
CLOSED_ERROR = "port 1 is not allowed"


def _declare_some(draw: st.DrawFn, body: str, always: dict[str, str]) -> str:
    """A prologue declaring ``always`` and some of the other prefixes ``body`` seems to use."""
    seen = sorted(set(re.findall(r"([A-Za-z][\w-]*):", body)) - set(always))
    chosen = draw(st.lists(st.sampled_from(seen), unique=True)) if seen else []
    iris = {**always, **{label: "http://other.example/" for label in chosen}}
    return "".join(f"PREFIX {label}: <{iri}> " for label, iri in iris.items())


@st.composite
def glued_services(draw: st.DrawFn) -> str:
    before = draw(st.sampled_from(("", "?s ?p true", "?s ?p ?o", "?s ?p ?o .", "?s ?p e:o")))
    body = "".join(
        (
            before,
            draw(st.sampled_from(("", " "))),
            draw(any_case("SERVICE")),
            draw(st.sampled_from(("", " "))),
            draw(st.sampled_from((f"<{CLOSED}>", "e:q", ":q"))),
            draw(st.sampled_from((" {}", "{}", " { ?a ?b ?c }"))),
        )
    )
    return _declare_some(draw, body, {"e": CLOSED, "": CLOSED}) + f"SELECT * {{ {body} }}"


def _engine_reads_service(text: str) -> bool | None:
    store = ox.Store()
    for term in (ox.Literal(True), ox.NamedNode(CLOSED + "o")):
        store.add(ox.Quad(ox.NamedNode("http://s/"), ox.NamedNode("http://p/"), term))
    try:
        list(store.query(text))  # type: ignore[arg-type]
    except SyntaxError:
        return None
    except OSError as error:
        assert CLOSED_ERROR in str(error)
        return True
    return False


PROLOGUE = f"PREFIX e: <{CLOSED}> "


@pytest.mark.parametrize(
    ("text", "concealed"),
    [
        # an undeclared prefix: the engine reads true SERVICE e:q
        ("SELECT * { ?s ?p trueSERVICEe:q {} }", True),
        (f"SELECT * {{ ?s ?p trueSERVICE<{CLOSED}> {{}} }}", True),
        # a declared prefix is read whole, unless it starts with SERVICE just before a group
        ("PREFIX trueSERVICE: <http://a/> SELECT * { ?s ?p trueSERVICE:q {} }", False),
        ("PREFIX SERVICEe: <http://a/> SELECT * { ?s ?p ?o SERVICEe:q {} }", True),
        ("PREFIX SERVICEe: <http://a/> SELECT * { ?s ?p SERVICEe:q }", False),
        ("PREFIX myservice: <http://a/> SELECT * { ?s myservice:p ?o }", False),
        # a local name is read as far as the grammar allows: "e:service." is e:service then "."
        ("SELECT * { ?s ?p e:service. }", False),
        ("SELECT * { ?s ?p e:x.service }", False),
        ("SELECT ?service_1 { ?s ?p ?service_1 }", False),
    ],
)
def test_concealed_where_the_engine_reads_them(text: str, concealed: bool) -> None:
    """A table of the concealment rules, each answer the engine's own: it calls the SERVICE
    exactly when newsgraph finds SERVICE concealed."""
    text = PROLOGUE + text
    assert _engine_reads_service(text) is concealed
    assert (sparqltext.concealed_keywords(text, ("SERVICE",)) == {"SERVICE"}) is concealed


@ENGINE
@given(glued_services())
def test_a_service_the_engine_runs_is_refused(text: str) -> None:
    reads = _engine_reads_service(text)
    assume(reads)
    assert _refused(check_query, text), text
    assert _refused(lambda t: check_query(t, allow_service=True), text), text


@st.composite
def glued_loads(draw: st.DrawFn) -> str:
    body = "".join(
        (
            draw(st.sampled_from(("", "CLEAR DEFAULT ;", "CLEAR DEFAULT;", "INSERT DATA {};"))),
            draw(st.sampled_from(("", " ", "\n"))),
            draw(any_case("LOAD")),
            draw(st.sampled_from(("", " "))),
            draw(st.sampled_from((f"<{CLOSED}x>", "e:x", ":x"))),
            draw(st.sampled_from(("", " INTO GRAPH <http://g/>", "INTO GRAPH e:g"))),
        )
    )
    return _declare_some(draw, body, {"e": CLOSED, "": CLOSED}) + body


@ENGINE
@given(glued_loads())
def test_a_load_the_engine_runs_is_refused(text: str) -> None:
    try:
        ox.Store().update(text)
        reads = False
    except SyntaxError:
        reads = False
    except OSError as error:
        assert CLOSED_ERROR in str(error)
        reads = True
    assume(reads)
    assert _refused(check_update, text), text


DEFAULT_SUBJECT = "http://d.example/s"


@st.composite
def glued_datasets(draw: st.DrawFn) -> str:
    form = draw(st.sampled_from(("ASK", "SELECT *", "SELECT ?p", "SELECT DISTINCT ?o",
                                 f"CONSTRUCT {{ <{DEFAULT_SUBJECT}> ?p ?o }}", "CONSTRUCT")))  # fmt: skip
    clauses = "".join(
        draw(st.sampled_from(("", " ")))
        + draw(any_case("FROM"))
        + draw(st.sampled_from(("", " NAMED", "NAMED", " named ")))
        + draw(st.sampled_from(("", " ")))
        + draw(st.sampled_from(("<http://g/a>", "g:a", ":a")))
        for _ in range(draw(st.integers(0, 2)))
    )
    where = draw(st.sampled_from((" WHERE", "WHERE", "") if form != "CONSTRUCT" else (" WHERE",)))
    body = f"{form}{clauses}{where}{{ <{DEFAULT_SUBJECT}> ?p ?o }}"
    return _declare_some(draw, body, {"g": "http://g/", "": "http://g/"}) + body


def _engine_reads_dataset(text: str) -> bool | None:
    """Whether pyoxigraph reads a dataset clause: the store's default graph holds the only
    triple the query asks for, so the answer is empty exactly when a FROM replaces it."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(DEFAULT_SUBJECT), ox.NamedNode("http://p/"), ox.Literal(1)))
    store.add(ox.Quad(ox.NamedNode("http://g/s"), ox.NamedNode("http://p/"), ox.Literal(2),
                      ox.NamedNode("http://g/a")))  # fmt: skip
    try:
        answer = store.query(text)
    except SyntaxError:
        return None
    return not answer if isinstance(answer, ox.QueryBoolean) else not list(answer)  # type: ignore[arg-type]


@ENGINE
@given(glued_datasets())
def test_the_dataset_is_read_as_the_engine_reads_it(text: str) -> None:
    reads = _engine_reads_dataset(text)
    assume(reads is not None)
    assert sparqltext.has_dataset_clause(text) is reads, text


def test_control_the_engine_oracles_see_what_they_look_for() -> None:
    """Each oracle says yes to the plain keyword, so an assumption above filters nothing away
    that the engine really reads."""
    assert _engine_reads_service(f"SELECT * {{ SERVICE <{CLOSED}> {{}} }}") is True
    assert _engine_reads_service(PROLOGUE + "SELECT * { ?s ?p ?o SERVICE e:q {} }") is True
    assert _engine_reads_dataset(f"ASK FROM <http://g/a> {{ <{DEFAULT_SUBJECT}> ?p ?o }}") is True
    assert _engine_reads_dataset(f"ASK {{ <{DEFAULT_SUBJECT}> ?p ?o }}") is False
    with pytest.raises(OSError, match=CLOSED_ERROR):
        ox.Store().update(f"LOAD <{CLOSED}x>")
