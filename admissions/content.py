"""The admission cycle's authored content, stored and localised."""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from admissions import cycle_schema
from admissions.tables import AdmissionCycleRow
from zones.errors import N_, InvalidData


def read_cycle_file(path: Path) -> dict:
    """The cycle document at `path`, checked (CycleInvalid names every problem's path);
    each category gets `priority`, the rank of its tier."""
    try:
        with open(path, encoding="utf-8") as f:
            content = yaml.safe_load(f)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidData(N_("招生规则文件无法读取：%(detail)s"), detail=str(exc)) from None
    return with_priorities(cycle_schema.validate(content))


def with_priorities(content: dict) -> dict:
    rank = {tier: i + 1 for i, tier in enumerate(cycle_schema.tier_order(content))}
    for category in content["categories"]:
        category["priority"] = rank[category["tier"]]
    return content


def save_cycle(session: Session, content: dict) -> None:
    session.merge(AdmissionCycleRow(year=int(content["year"]), content=content))


def load_current_cycle(session: Session) -> dict | None:
    row = session.scalars(select(AdmissionCycleRow).order_by(AdmissionCycleRow.year.desc())
                          ).first()
    return None if row is None else row.content


def localize(value, lang: str):
    """Return `value` with each `key`/`key_en` pair collapsed to the one for `lang`."""
    if isinstance(value, list):
        return [localize(v, lang) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key.endswith("_en"):
            continue
        english = value.get(f"{key}_en")
        out[key] = localize(english if lang == "en" and english else item, lang)
    return out
