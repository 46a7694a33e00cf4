"""Output: one module per report, each mapping every format (`choices.py`) to its renderer."""
