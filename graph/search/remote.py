"""newsgraph's full-text index of a remote store: where it lives, how newsgraph's writes feed
it, and how it is checked against what the server holds before each search.

A remote store (``NEWSGRAPH_STORE`` a SPARQL URL) has its index in a local directory,
``NEWSGRAPH_SEARCH_INDEX`` — by default one per store URL under the user's state directory
(:func:`default_home`), so that two stores never share one. The directory holds the tantivy
index in ``search/``, as a store directory does (so :mod:`.sync` keeps either alike),
``store.json`` naming the store it indexes (the index of another store is refused), and
``writer.lock``, held by the one process writing the index.

**Fed by newsgraph's writes.** A unit of writes of a :class:`~newsgraph.store.RemoteStore`
(an ingest: :meth:`~newsgraph.store.base.Store.transaction`) hands its texts to the index as
it writes (:meth:`RemoteSearch.wrote`, the store's ``wrote_texts``), uncommitted; once the
server has stored the unit, :func:`.sync.follow` commits them, checked against the digests the
server holds, exactly as on the embedded store.

**Checked before each search.** The index records the version of the server it reflects
(:func:`version`): newsgraph's write stamp on the server (``graph/store/summaries/remote.py``:
it changes with every newsgraph write, from any process) and how many articles the server
holds (so that an article added or removed around newsgraph is noticed too). A search first
reads the version (two small queries); while it is the recorded one the index answers. When it
differs — or cannot be known: a server that keeps no stamp (Oxigraph server), or a write under
way — the index compares its articles' record digests with the server's and re-indexes those
that differ (:func:`.sync.follow`), committing only when something differs. A change around
newsgraph that keeps the number of articles (an article's graph replaced by a SPARQL update
sent to Virtuoso directly) is seen once the stamp changes: such writes must set it
(``docs/REMOTE.md``), or ``newsgraph search --rebuild``.

While another process writes the index (an ingest), a search that finds the index behind
waits a few seconds for it, then is refused (:class:`~newsgraph.errors.StoreLocked`): a search
answers from an index level with the server, or not at all.

Enforced by ``tests/test_remote_search.py`` (on Virtuoso and an Oxigraph server: the embedded
store's answers; a newer version found by its new words only; a removal made around newsgraph
noticed).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from newsgraph import queries
from newsgraph.errors import StoreError, StoreLocked
from newsgraph.search import sync
from newsgraph.search.index import DIRECTORY, SearchIndex
from newsgraph.search.syntax import parse
from newsgraph.search.texts import ArticleText
from newsgraph.settings import kept_for
from newsgraph.store import locks

if TYPE_CHECKING:
    from newsgraph.store.remote import RemoteStore

__all__ = ["NONE", "RemoteSearch", "RemoteSearchIndex", "default_home", "home_of", "version"]

#: ``NEWSGRAPH_SEARCH_INDEX=none``: no index is kept (searches are refused).
NONE = "none"
STORE_FILE = "store.json"
LOCK_FILE = "writer.lock"
#: Seconds a search waits for another process writing the index before it is refused.
SEARCH_WAIT = 5.0
#: Seconds a unit of writes waits for another process writing the index.
WRITE_WAIT = 300.0


def default_home(url: str, state: Path | None = None) -> Path:
    """Where the index of the store at ``url`` lives by default (:func:`settings.kept_for`).

    >>> default_home("http://127.0.0.1:8890/sparql", Path("/s")).as_posix()
    '/s/search/127.0.0.1-8890-sparql-b94c9de5a57b4d79'
    """
    return kept_for(url, "search", state)


def home_of(setting: str | None, url: str) -> Path | None:
    """The index directory ``NEWSGRAPH_SEARCH_INDEX`` names for the store at ``url`` (None:
    ``none``, no index).

    >>> home_of("none", "http://h/sparql") is None, home_of("/ix", "http://h/sparql").as_posix()
    (True, '/ix')
    """
    if setting is not None and setting.strip().lower() == NONE:
        return None
    return Path(setting).expanduser() if setting else default_home(url)


def version(store: RemoteStore) -> str | None:
    """What the server holds as far as newsgraph can name it: its write stamp and how many
    articles it holds; None where it keeps no stamp, or while a write is under way."""
    stamp = store.write_stamp()
    if stamp is None or stamp.startswith("writing"):
        return None
    return f"{stamp} {store.count(queries.load('article-hash-count'))}"


def _fed_all(since: str | None, current: str | None, feed: sync.Feed | None) -> bool:
    """Whether the unit began on a store without articles and left it holding as many as it
    fed the index: then the store's articles are the fed ones, with the fed digests, as far as
    a version can tell (an article replaced around newsgraph, the number unchanged, is not
    seen by the version either: docs/REMOTE.md). ``tests/test_remote_search.py``: a first load
    reads no digest back, a later one its own articles'."""
    if since is None or current is None or feed is None:
        return False
    return since.rpartition(" ")[2] == "0" and current.rpartition(" ")[2] == str(len(feed.digests))


class RemoteSearchIndex(SearchIndex):
    """The index of a remote store; :meth:`ensure_current` checks it against the server."""

    def __init__(self, keeper: RemoteSearch) -> None:
        super().__init__(keeper.home / DIRECTORY, create=True)
        self.keeper = keeper

    def ensure_current(self) -> None:
        self.keeper.level()


class RemoteSearch:
    """The full-text index of one remote store (``home``: its directory), as the store's units
    of writes and its searches keep it."""

    def __init__(self, store: RemoteStore, home: Path) -> None:
        self.store = store
        self.home = home
        self._claimed = False
        self._lock = locks.FileLock(home / LOCK_FILE)
        self._holding = 0
        self._index: RemoteSearchIndex | None = None
        #: The version the unit under way started from, the graphs it replaced (None: it
        #: wrote what it cannot name), and the texts it handed over.
        self._since: str | None = None
        self._touched: set[str] | None = set()
        self._feed: sync.Feed | None = None

    # -- the directory -------------------------------------------------------------------------

    def _claim(self) -> None:
        """Make the directory, or check that it is this store's (once per process)."""
        if self._claimed:
            return
        url = self.store.query_url
        marker = self.home / STORE_FILE
        try:
            noted = json.loads(marker.read_text(encoding="utf-8")).get("store")
        except FileNotFoundError:
            noted = None
        except (OSError, ValueError, AttributeError) as error:
            raise StoreError(f"search index {self.home}: cannot read {marker} ({error})") from None
        if noted is None:
            if self.home.is_dir() and any(self.home.iterdir()):
                raise StoreError(
                    f"search index {self.home} is not empty and names no store: give "
                    "NEWSGRAPH_SEARCH_INDEX an empty or new directory"
                )
            self.home.mkdir(parents=True, exist_ok=True)
            marker.write_text(json.dumps({"store": url}) + "\n", encoding="utf-8")
        elif noted != url:
            raise StoreError(
                f"search index {self.home} is the index of {noted}, not of {url}: give "
                "NEWSGRAPH_SEARCH_INDEX another directory"
            )
        self._claimed = True

    def _acquire(self, wait: float) -> None:
        """Hold the index's writer lock (this process may take it again); refused after
        ``wait`` seconds while another process holds it."""
        if self._holding == 0:
            self._claim()
            deadline = time.monotonic() + wait
            while not self._lock.try_acquire({"what": f"indexing {self.store.query_url}"}):
                if time.monotonic() >= deadline:
                    holder = locks.describe(locks.holder(self._lock.path))
                    raise StoreLocked(
                        f"search index {self.home} is being written by another process"
                        f"{holder}, and is behind the store; search again once it ends"
                    )
                time.sleep(0.05)
        self._holding += 1

    def _release(self) -> None:
        if self._holding == 0:
            return
        self._holding -= 1
        if self._holding == 0:
            self._lock.release()

    @contextlib.contextmanager
    def _writer(self, wait: float) -> Iterator[None]:
        self._acquire(wait)
        try:
            yield
        finally:
            self._release()

    # -- searching -----------------------------------------------------------------------------

    def index(self) -> RemoteSearchIndex:
        """The index to search (:meth:`RemoteSearchIndex.ensure_current` before each search)."""
        if self._index is None:
            self._claim()
            self._index = RemoteSearchIndex(self)
        return self._index

    def level(self) -> None:
        """Bring the index level with what the server holds now (see the module)."""
        index = self.index()
        current = version(self.store)  # read before the digests: a write after changes it
        if current is not None and index.generation() == current:
            return
        with self._writer(SEARCH_WAIT):
            sync.follow(self.store, self.home, current or "", since=None, touched=None)

    def lookup(self) -> Callable[[str], list[tuple[str, float]]]:
        """What :func:`newsgraph.search.join.bind_matches` asks: a search's articles and
        scores, best first, from the index brought level once for the query."""
        index = self.index()
        levelled = False

        def scores(words: str) -> list[tuple[str, float]]:
            nonlocal levelled
            if not levelled:
                index.ensure_current()
                levelled = True
            return index.scores(index.compile(parse(words)))

        return scores

    def rebuild(self) -> int:
        """Index every article of the server afresh (``newsgraph search --rebuild``)."""
        with self._writer(WRITE_WAIT):
            current = version(self.store)
            return sync.rebuild(self.store, self.home, current).indexed

    # -- units of writes -----------------------------------------------------------------------

    def begin(self) -> None:
        """A unit of writes starts (before its first write)."""
        self._since = version(self.store)
        self._touched = set()
        self._feed = None

    def touched(self, graphs: Collection[str] | None) -> None:
        """The unit replaced ``graphs`` (None: it wrote what it cannot name)."""
        if graphs is None:
            self._touched = None
        elif self._touched is not None:
            self._touched.update(graphs)

    def wrote(self, texts: Iterable[ArticleText]) -> None:
        """Index the texts of articles the unit wrote, uncommitted until it ends."""
        if self._feed is None:
            self._acquire(WRITE_WAIT)
            self._feed = sync.Feed(self.home)
        self._feed.add(texts)

    def end(self) -> None:
        """The server has stored the unit: the index follows it (with the texts it was
        handed, checked against the server's digests)."""
        feed, touched = self._feed, self._touched
        self._feed, self._touched = None, set()
        if feed is None and touched is not None and not touched:
            return
        try:
            with self._writer(WRITE_WAIT):
                current = version(self.store)
                sync.follow(self.store, self.home, current or "", since=self._since,
                            touched=touched, feed=feed,
                            fed_all=_fed_all(self._since, current, feed))  # fmt: skip
        except BaseException:
            if feed is not None:
                feed.abort()
            raise
        finally:
            if feed is not None:
                self._release()  # the hold :meth:`wrote` took

    def abort(self) -> None:
        """The unit failed: drop its texts (what the server stored of it is found by the
        next search's check)."""
        feed, self._feed = self._feed, None
        self._touched = set()
        if feed is not None:
            feed.abort()
            self._release()
