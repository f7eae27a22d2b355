"""Benchmarks: corpus generation, ingest, queries and endpoint load (see each module)."""
