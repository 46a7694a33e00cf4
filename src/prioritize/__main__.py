"""Run the command line as `python -m prioritize`."""

from prioritize.cli.app import main

main()
