"""Property-based tests of the mapping: any valid record gives RDF that parses, round-trips
through JSON-LD, and carries its slug, dates and entities."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsgraph import jsonld, mapping
from newsgraph.linking import links_alone
from newsgraph.records import prepare
from newsgraph.vocab.namespaces import Minter
from rdflib import Dataset

IRIS = Minter("http://n.example/")
S = "http://schema.org/"
NG = "https://w3id.org/newsgraph/ns#"

slugs = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,30}(\.[a-z]{1,4})?\Z").filter(
    lambda s: ".." not in s
)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
titles = st.builds(lambda a, b: f"{a} {b}", st.from_regex(r"\A[A-Za-z]{1,10}\Z"), texts)
names = st.lists(texts.filter(lambda t: t.strip()), max_size=6)
hosts = st.from_regex(r"\A[a-z]{1,10}\.(org|com|kz)\Z")
paths = st.from_regex(r"\A[a-z0-9/_-]{0,20}\Z")
urls = st.builds(lambda scheme, h, p: f"{scheme}://{h}/{p}", st.sampled_from(["http", "https"]),
                 hosts, paths)  # fmt: skip
zones = st.one_of(
    st.none(),
    st.integers(min_value=-14 * 60, max_value=14 * 60).map(
        lambda m: timezone(timedelta(minutes=m))
    ),
)
moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))


def _date_text(moment: datetime, zone: timezone | None, spaced: bool) -> str:
    value = moment.replace(tzinfo=zone) if zone else moment
    return value.isoformat(sep=" " if spaced else "T")


dates = st.builds(_date_text, moments, zones, st.booleans())
bodies = st.one_of(
    st.none(),
    st.builds(
        lambda words, url, label: f"# Head\n\n{words} [{label}]({url}) **bold** `code`\n\n> q",
        texts,
        urls,
        st.from_regex(r"\A[a-z ]{1,10}\Z"),
    ),
)
records = st.fixed_dictionaries(
    {
        "slug": slugs,
        "title": titles,
        "published_at": dates,
    },
    optional={
        "summary": st.one_of(st.none(), texts),
        "body_md": bodies,
        "url": st.one_of(st.none(), urls),
        "canonical_source": st.one_of(st.none(), urls),
        "updated_at": st.one_of(st.none(), dates),
        "lang": st.sampled_from([None, "en", "pt-BR", "kk", "zh-Hant"]),
        "topics": names,
        "entities": names,
        "alternates": st.dictionaries(st.sampled_from(["html", "markdown", "text", "pdf"]), urls),
    },
)


def _instant(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace(" ", "T"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_any_valid_record_maps_to_rdf_that_round_trips(raw: dict) -> None:
    prepared = prepare(raw, "generated:1")
    record = prepared.record
    mentions = links_alone(record, IRIS)
    document = mapping.document(prepared, IRIS, mentions)
    quads = jsonld.to_quads(document)
    article = ox.NamedNode(IRIS.article(record.slug))

    # The RDF parses with an independent parser.
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    Dataset().parse(data=nquads, format="nquads")

    # It round-trips through JSON-LD: serialised by pyoxigraph, read back by pyld.
    written = ox.serialize(quads, format=ox.RdfFormat.JSON_LD).decode()
    back = {str(q) for q in jsonld.to_quads_reference(json.loads(written))}
    assert back == {str(q) for q in quads}

    def objects(predicate: str) -> list[ox.NamedNode | ox.Literal]:
        return [
            q.object
            for q in quads
            if q.subject == article and q.predicate == ox.NamedNode(predicate)
        ]  # type: ignore[misc]

    # It carries its slug, dates (with a zone, the same instant) and entities.
    assert [o.value for o in objects(S + "identifier")] == [record.slug]
    (published,) = objects(S + "datePublished")
    assert isinstance(published, ox.Literal)
    assert published.datatype.value.endswith("#dateTime")
    assert _instant(published.value) == _instant(raw["published_at"])
    assert published.value.endswith("Z") or published.value[-6] in "+-"
    if raw.get("updated_at"):
        (modified,) = objects(S + "dateModified")
        assert _instant(modified.value) == _instant(raw["updated_at"])
    assert sorted(o.value for o in objects(NG + "entityName")) == sorted(record.entities)
    assert {o.value for o in objects(S + "mentions")} == set(mentions)
    assert all(q.graph_name in (article, ox.NamedNode(IRIS.terms_graph)) for q in quads)


def plain_xsd_datetime(value: datetime) -> str:
    """``xsd_datetime`` spelt field by field (the module takes a faster road to the same); the
    year has four digits at least, as xsd:dateTime wants (glibc's ``%Y`` writes 987)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = f"{value.year:04d}-{value.month:02d}-{value.day:02d}T" + value.strftime("%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset()
    assert offset is not None
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


any_zones = st.one_of(
    st.none(),
    st.integers(min_value=-86_399, max_value=86_399).map(lambda s: timezone(timedelta(seconds=s))),
)


@settings(max_examples=500, deadline=None)
@given(st.datetimes(timezones=any_zones))
def test_xsd_datetime_is_the_plain_spelling(value: datetime) -> None:
    assert mapping.xsd_datetime(value) == plain_xsd_datetime(value)
