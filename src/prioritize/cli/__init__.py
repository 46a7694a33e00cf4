"""The command line: one module per command, joined on one Typer app in `app.py`."""
