"""What a Flask app holds of the domain: the engine, sessions and the published cache."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from admissions.service import Snapshot
from zones.cache import PublishedCache


@dataclass
class Services:
    engine: Engine
    sessions: sessionmaker
    published: PublishedCache[Snapshot]


def services() -> Services:
    return current_app.extensions["xuequ"]


def snapshot() -> Snapshot:
    return services().published.get()
