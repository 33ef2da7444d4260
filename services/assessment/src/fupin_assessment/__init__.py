"""Fupin assessment service: frameworks, the annual assessment of counties, city departments and
assisting units scored from frozen year-end snapshots, results, appeals, corrections and
verification sampling (考核评估)."""
