"""`python -m xlcheck` runs the command line."""

from .cli import main

main()
