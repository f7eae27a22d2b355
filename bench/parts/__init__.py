"""newsgraph's own benchmark parts; each module has ``run(context) -> list[Figure]``."""
