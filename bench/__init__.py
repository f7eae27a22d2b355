"""newsgraph's benchmarks: a synthetic corpus, pluggable parts, ratios against baselines.

``python -m bench`` (or ``make bench``) runs every part; ``python -m bench PART`` one of them.
See :mod:`bench.runner` for how parts are registered and :mod:`bench.corpus` for the corpus.
"""
