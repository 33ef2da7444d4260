"""Fupin funds service: fund sources, project library, allocation ledger, disbursements, public
disclosure (公告公示), micro-credit, asset income, performance and audit."""
