"""The command line: ``ironriver <command>``, assembled from the modules of this package.

Each module here defines ``register(app)`` and adds its own command(s), so adding a command never means
editing a central list. :func:`main` turns every :class:`~ironriver.errors.IronRiverError` into one line
on stderr and exit status 2 (3 for a model that failed, :class:`~ironriver.errors.ModelFailedError`) — the
user sees what was wrong, never a traceback.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import sys
from typing import Annotated

import typer

from ironriver.errors import IronRiverError

app = typer.Typer(
    name="ironriver",
    help="Whose sovereignty does the US–Mexico border threaten? Real data, honest uncertainty.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



def _print_version(value: bool) -> None:
    if value:
        from ironriver.about import data_package_sha256, version

        typer.echo(f"ironriver {version()} (data package sha256 {data_package_sha256()[:12]})")
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                                   help="print the version and the data-package hash, then stop")]
             = False) -> None:
    """Whose sovereignty does the US–Mexico border threaten? Real data, honest uncertainty."""


class _CitationFormat(str, enum.Enum):
    text = "text"
    bibtex = "bibtex"


@app.command("cite")
def _cite(format: Annotated[_CitationFormat, typer.Option("--format", help="plain text or a BibTeX entry")]
          = _CitationFormat.text) -> None:
    """How to cite ironriver itself: version and data-package sha256 (datasets: `ironriver data cite`)."""
    from ironriver.about import cite_software

    typer.echo(cite_software(format.value))


def _register_commands() -> None:
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        register = getattr(loaded, "register", None)
        if register is not None:
            register(app)


_register_commands()


def _click_exceptions() -> tuple[type[BaseException], ...]:
    """Click's usage-error class, from click itself and from the copy newer typer releases vendor."""
    import click

    classes: list[type[BaseException]] = [click.ClickException]
    try:
        from typer._click.exceptions import ClickException as VendoredClickException

        classes.append(VendoredClickException)
    except ImportError:
        pass
    return tuple(classes)


def main() -> None:
    """Entry point of the ``ironriver`` script."""
    try:
        app(standalone_mode=False)
    except IronRiverError as error:
        print(f"ironriver: error: {error}", file=sys.stderr)
        sys.exit(getattr(error, "exit_code", 2))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        print("ironriver: aborted", file=sys.stderr)
        sys.exit(130)
    except KeyboardInterrupt:
        print("ironriver: interrupted; nothing was written", file=sys.stderr)
        sys.exit(130)
    except Exception as error:  # click usage errors arrive here in non-standalone mode
        if isinstance(error, _click_exceptions()):
            error.show()
            sys.exit(2)
        raise
