"""The peer: rdflib's in-memory dataset and SPARQL engine, served by rdflib-endpoint.

``python -m bench.peer_server DUMP.nq PORT REPORT.json`` loads the N-Quads into an rdflib
``Dataset`` whose default graph is the union of its graphs (as newsgraph's is), writes how long
the load took and the process's memory to REPORT.json, then serves SPARQL at ``/sparql`` on
127.0.0.1:PORT until stopped.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    dump, port, report = Path(argv[0]), int(argv[1]), Path(argv[2])
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(str(dump), format="nquads")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    report.write_text(json.dumps({"seconds": seconds, "triples": len(dataset), "peak_rss": peak}))
    app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(sys.argv[1:])
