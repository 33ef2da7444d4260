"""Fupin registry service: divisions, households, members, yearly records and the lifecycle."""
