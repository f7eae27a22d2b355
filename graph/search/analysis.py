"""How text is cut into terms, per language: one tantivy analyzer, and one index field, each.

An article's headline, summary and body are indexed in the field of its language (``inLanguage``):
Unicode-aware words (runs of letters and digits), lower-cased, then — for a language with a
Snowball stemmer — its stop words dropped and each word stemmed. A language without a stemmer
(or none given) goes to the field ``text_other``: words lower-cased, nothing dropped, nothing
stemmed. A query's words are analysed by the analyzer of each field they are looked up in, so
"prices" finds "price" in English and "Preise" finds "Preis" in German.

>>> field_for("en"), field_for("de-AT"), field_for("ja"), field_for(None)
('text_en', 'text_de', 'text_other', 'text_other')
>>> analyzer("text_en").analyze("The prices of crude oil")
['price', 'crude', 'oil']
>>> analyzer("text_other").analyze("東京 Tōkyō-Börse")
['東京', 'tōkyō', 'börse']

Enforced by ``tests/test_search_index.py`` (stemmed words found; the oracle there stems with
the same Snowball algorithms).
"""

from __future__ import annotations

import functools

import tantivy

__all__ = ["FIELDS", "LANGUAGES", "OTHER", "analyzer", "field_for", "words"]

#: Languages with a Snowball stemmer in tantivy: code → (stemmer, stop-word list or None).
LANGUAGES: dict[str, tuple[str, str | None]] = {
    "en": ("english", "english"),
    "de": ("german", "german"),
    "fr": ("french", "french"),
    "es": ("spanish", "spanish"),
    "ru": ("russian", "russian"),
    "it": ("italian", "italian"),
    "pt": ("portuguese", "portuguese"),
    "nl": ("dutch", "dutch"),
    "sv": ("swedish", "swedish"),
    "da": ("danish", "danish"),
    "no": ("norwegian", "norwegian"),
    "nb": ("norwegian", "norwegian"),
    "fi": ("finnish", "finnish"),
    "hu": ("hungarian", "hungarian"),
    "ro": ("romanian", None),
    "tr": ("turkish", None),
    "el": ("greek", None),
    "ar": ("arabic", None),
    "ta": ("tamil", None),
}
OTHER = "text_other"
#: Every text field: one per stemmed language, and the one for every other language.
FIELDS: tuple[str, ...] = (*(f"text_{code}" for code in LANGUAGES), OTHER)


def field_for(lang: str | None) -> str:
    """The field an article in ``lang`` (a BCP 47 tag) is indexed in."""
    primary = (lang or "").split("-")[0].split("_")[0].lower()
    return f"text_{primary}" if primary in LANGUAGES else OTHER


@functools.cache
def analyzer(field: str) -> tantivy.TextAnalyzer:
    """The analyzer of ``field`` (the same for the index and for queries)."""
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(
        tantivy.Filter.lowercase()
    )
    code = field.removeprefix("text_")
    if code in LANGUAGES:
        stemmer, stop_words = LANGUAGES[code]
        if stop_words is not None:
            builder = builder.filter(tantivy.Filter.stopword(stop_words))
        builder = builder.filter(tantivy.Filter.stemmer(stemmer))
    return builder.build()


def words(text: str) -> list[str]:
    """``text`` cut into words as the analyzers cut it (runs of letters and digits), unchanged.

    >>> words("U.S. crude-oil prices, 1987")
    ['U', 'S', 'crude', 'oil', 'prices', '1987']
    """
    raw = _raw()
    return raw.analyze(text)


@functools.cache
def _raw() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).build()
