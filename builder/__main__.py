"""`python -m builder` runs the partnerkb command."""

from .cli import main

main()
