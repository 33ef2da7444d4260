"""Fupin monitoring service: the dynamic-monitoring read model fed by every service's events."""
