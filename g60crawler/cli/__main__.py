"""`python -m g60crawler.cli` is the `g60crawler` command."""

from . import main

main()
