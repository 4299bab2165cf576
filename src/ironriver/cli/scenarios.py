"""``ironriver scenarios …`` and ``ironriver specs …``: the policy scenarios and perspective files that ship inside
the package, by name, so that ``--scenario ubc`` works from any folder."""


from typing import Annotated

import typer

from ironriver.cli._common import AsCsv, AsJson, emit_records, frame_table, print_table


def _listing_app(kind: str, what: str) -> typer.Typer:
    listing = typer.Typer(help=f"The {what} that ship with ironriver: list them, or print one to copy and edit.",
                          no_args_is_help=True)

    @listing.command("list", help=f"Every shipped {kind[:-1]}: its name (what commands accept in place of a "
                                  "path) and what it is, from the file's opening comment.")
    def list_command(as_json: AsJson = False, as_csv: AsCsv = False) -> None:
        import pandas as pd

        from ironriver.data.shipped import list_shipped

        frame = pd.DataFrame(list_shipped(kind), columns=["name", "description"])
        if emit_records(frame, as_json=as_json, as_csv=as_csv):
            return
        usage = "give the name where a path is asked: --scenario ubc, simulate ubc" if kind == "scenarios" else \
            "give the name where a path is asked"
        print_table(frame_table(frame, title=f"shipped {what}",
                                caption=f"{len(frame)} files · {usage} · `ironriver {kind} show NAME` prints one"))

    @listing.command("show")
    def show_command(name: Annotated[str, typer.Argument(help=f"a shipped {kind[:-1]} name")]) -> None:
        """Print a shipped file as it is, to copy into your own folder and edit."""
        from ironriver.data.shipped import resolve_shipped

        typer.echo(resolve_shipped(kind, name).read_text(encoding="utf-8"), nl=False)

    return listing


def register(app: typer.Typer) -> None:
    app.add_typer(_listing_app("scenarios", "policy scenarios"), name="scenarios")
    app.add_typer(_listing_app("specs", "perspective specs"), name="specs")
