"""Fupin tasks service: the plan's responsibility matrix, work plans, periodic reports, deadlines,
targets and supervision findings."""
