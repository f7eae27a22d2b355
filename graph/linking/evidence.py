"""What linking needs of one article, read once when the article is written.

An article's *evidence* is its entity names as given, its language (the record's ``lang``,
whose rules say which inflected forms join their base), the acronyms and short forms its text
defines, and its text's name spans as the text scan reads them (:func:`textscan.signatures`).
It depends on the article alone, so ingest's workers compute it beside the article's quads and
the store-wide pass never reads a text again: it resolves names over the evidence of every
article and matches each article's spans against the names known at that moment.

>>> evidence = Evidence.of(["PACE", "Council of Europe"], "The World Health Organization (WHO) met.", "en")
>>> evidence.names, evidence.definitions, evidence.lang
(('Council of Europe', 'PACE'), (Definition(short='WHO', long='World Health Organization'),), 'en')
>>> Evidence.decode(*evidence.encode()) == evidence
True
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from dataclasses import dataclass

from newsgraph.linking import acronyms, textscan
from newsgraph.linking.acronyms import Definition
from newsgraph.records import Prepared

__all__ = ["Evidence", "decode_names", "language", "record_text", "stored_text"]


def language(tag: str | None) -> str:
    """The primary language subtag of a language tag, in lower case ("" for none).

    >>> language("pt-BR"), language("KK"), language(None)
    ('pt', 'kk', '')
    """
    return (tag or "").split("-")[0].lower()


def record_text(prepared: Prepared) -> str:
    """The text linking reads: headline, summary and body, as the graph stores them (the body
    as the prepared record's plain text, the mapping's ``articleBody``)."""
    record = prepared.record
    return stored_text(record.title, record.summary or "", prepared.text)


def stored_text(headline: str, description: str, body: str) -> str:
    """The same text, from the article's stored headline, description and articleBody."""
    return "\n".join(part for part in (headline, description, body) if part)


@dataclass(frozen=True, slots=True)
class Evidence:
    #: The entity names as given, distinct and sorted (as the store returns them).
    names: tuple[str, ...]
    definitions: tuple[Definition, ...]
    spans: tuple[textscan.Signature, ...]
    #: The primary subtag of the record's language ("" when the record gives none).
    lang: str = ""

    @classmethod
    def of(cls, names: Iterable[str], text: str, lang: str | None = None) -> Evidence:
        return cls(
            tuple(sorted(set(names))),
            tuple(acronyms.definitions(text)) if "(" in text else (),
            textscan.signatures(text),
            language(lang),
        )

    @classmethod
    def of_prepared(cls, prepared: Prepared) -> Evidence:
        """A prepared record's evidence: its entity names and :func:`record_text`."""
        return cls.of(prepared.record.entities, record_text(prepared), prepared.record.lang)

    def encode(self) -> tuple[bytes, bytes]:
        """Two blobs: the names, definitions and language (read by every pass), and the
        spans (read to match them against the names known)."""
        definitions = tuple((d.short, d.long) for d in self.definitions)
        return marshal.dumps((self.names, definitions, self.lang)), marshal.dumps(self.spans)

    @classmethod
    def decode(cls, names: bytes, spans: bytes) -> Evidence:
        listed, definitions, lang = decode_names(names)
        return cls(listed, definitions, marshal.loads(spans), lang)


def decode_names(data: bytes) -> tuple[tuple[str, ...], tuple[Definition, ...], str]:
    """The names, definitions and language of an encoded evidence."""
    names, definitions, lang = marshal.loads(data)
    return names, tuple(Definition(short, long) for short, long in definitions), lang
