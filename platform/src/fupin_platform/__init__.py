"""Composition of the Fupin services: the embedded default and the `fupin` command line."""
