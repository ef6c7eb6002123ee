"""`flask --app webapp admissions …`: check a cycle document before it is loaded."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from admissions.content import read_cycle_file
from admissions.cycle_schema import CycleInvalid
from zones.errors import InvalidData

admissions_cli = AppGroup("admissions", help="Admission rules and results.")


@admissions_cli.command("validate-cycle")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate_cycle(path: Path) -> None:
    """Check a cycle document (admissions_YYYY.yaml); every problem with its path."""
    try:
        cycle = read_cycle_file(path)
    except CycleInvalid as exc:
        for problem in exc.problems:
            click.echo(problem.text(), err=True)
        raise click.ClickException(f"{path.name}：{len(exc.problems)} 处错误，未通过检查。"
                                   ) from None
    except InvalidData as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{path.name}：通过检查（{cycle['year']} 年，{len(cycle['categories'])} 个入学类别，"
               f"{len(cycle['timeline'])} 个阶段）。")
