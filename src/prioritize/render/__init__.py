"""Output: one module per format behind one registry (see `formats.py`)."""
