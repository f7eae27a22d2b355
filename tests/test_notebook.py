"""The notebook docs/notebooks/reuters.ipynb runs, on a subset of the Reuters corpus, so that it
cannot rot: executed by nbclient in a real kernel, in a temporary directory.

Its parameters cell (tagged ``parameters``) is replaced to read every ``EVERY``-th story into a
store of the test's own. The oracles are independent of the notebook: the records it reads (how
many, how many about the topic) and ``newsgraph cooccur`` run as a process on the store the
notebook made, whose summary must be the network the notebook printed.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REUTERS, ROOT, newsgraph, shared_file

NOTEBOOK = ROOT / "docs" / "notebooks" / "reuters.ipynb"
#: Every EVERY-th story: about a thousand, enough for the question, well under a minute.
EVERY = 4
TOPIC = "crude"
PNG = b"\x89PNG\r\n\x1a\n"


def parameters(corpus: Path, store: Path) -> str:
    return f"from pathlib import Path\nCORPUS = Path({str(corpus)!r})\nEVERY = {EVERY}\nSTORE = Path({str(store)!r})\n"


def outputs(notebook: nbformat.NotebookNode) -> tuple[str, list[bytes]]:
    """The text the notebook printed, and the PNG images it showed."""
    text, images = [], []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                text.append(output.text)
            data = output.get("data", {})
            if "image/png" in data:
                images.append(base64.b64decode(data["image/png"]))
    return "".join(text), images


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_the_notebook_answers_its_question_on_a_subset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = shared_file(REUTERS)
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # jupyter_core's paths, without a warning
    store = tmp_path / "store"
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, "the notebook has one cell tagged parameters"
    assert all(not cell.get("outputs") for cell in notebook.cells), "committed without outputs"
    tagged[0].source = parameters(corpus, store)

    NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()

    text, images = outputs(notebook)
    lines = corpus.read_text(encoding="utf-8").splitlines()
    read = [json.loads(line) for number, line in enumerate(lines) if number % EVERY == 0]
    assert (
        f"this run: loaded {len(read)}, replaced 0, unchanged 0, skipped 0 (older), rejected 0"
        in text
    )
    about = sum(TOPIC in record["topics"] for record in read)
    assert f"{TOPIC}: {about} articles about it" in text

    done = newsgraph("cooccur", "--store", str(store), "--topic", TOPIC, "--min-count", "3",
                     "--format", "csv")  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    command = re.search(r"(\d+) articles, (\d+) entities, (\d+) edges", done.stderr.decode())
    assert command is not None
    articles, nodes, edges = command.groups()
    assert f"network: {articles} articles, {nodes} entities, {edges} edges" in text
    assert int(edges) == len(done.stdout.decode().splitlines()) - 1 > 10

    assert len(images) == 2, "the network drawn and the mentions over time"
    assert all(image.startswith(PNG) and len(image) > 10_000 for image in images)
