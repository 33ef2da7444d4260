"""Fupin infrastructure: settings, database, outbox, events, bus, HTTP and auth. No domain rules."""
