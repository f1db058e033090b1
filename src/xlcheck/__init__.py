"""xlcheck: read, recompute and correct performance self-evaluation workbooks (绩效自评表)."""

__version__ = "0.1.0"
