"""The CLI driven in-process through click's CliRunner."""

from __future__ import annotations

from click.testing import CliRunner, Result

from g60crawler.cli import main


def run(*args) -> Result:
    """Invoke ``g60crawler`` with the arguments (each turned into a string, so paths may be given).

    :param args: the command line after the program name.
    """
    return CliRunner().invoke(main, [str(a) for a in args])
