"""Staff uploads kept on disk between the upload and the saved draft.

Each upload lives in its own directory named by a random token, with the file and a
meta.json (original name, SHA-256, who sent it). Uploaded files are needed only while
staff map and check them; the draft, once saved, lives in the database and the audit log
keeps the file's SHA-256, so directories older than a day are removed.
"""
from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
import re

from gis.vector_io import EXTENSIONS, sha256_of

TOKEN = re.compile(r"[0-9a-f]{32}")
KEEP_SECONDS = 24 * 3600
MAX_NAME = 120


@dataclass(frozen=True)
class StoredUpload:
    token: str
    directory: Path
    meta: dict  # filename, stored, sha256, by

    @property
    def path(self) -> Path:
        return self.directory / self.meta["stored"]


def store(uploads: Path, filename: str, save: Callable[[Path], None], actor: str,
          now: float | None = None) -> StoredUpload:
    """Write one upload under `uploads` (`save` writes the bytes to the path it is given),
    after removing uploads older than KEEP_SECONDS."""
    forget_old(uploads, now)
    token = uuid.uuid4().hex
    directory = uploads / token
    directory.mkdir(parents=True)
    suffix = Path(filename).suffix.lower()
    stored = directory / ("upload" + (suffix if suffix in EXTENSIONS else ".bin"))
    save(stored)
    meta = {"filename": filename[:MAX_NAME], "stored": stored.name, "sha256": sha256_of(stored),
            "by": actor}
    (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))
    return StoredUpload(token, directory, meta)


def find(uploads: Path, token: str) -> StoredUpload | None:
    """The upload with this token, or None if the token is malformed, unknown or expired."""
    if not TOKEN.fullmatch(token):
        return None
    directory = uploads / token
    meta_path = directory / "meta.json"
    if not meta_path.exists():
        return None
    return StoredUpload(token, directory, json.loads(meta_path.read_text()))


def old_uploads(uploads: Path, keep_seconds: float = KEEP_SECONDS,
                now: float | None = None) -> list[Path]:
    """Upload directories older than `keep_seconds` (what the retention purge removes)."""
    cutoff = (time.time() if now is None else now) - keep_seconds
    return [d for d in uploads.glob("*")
            if TOKEN.fullmatch(d.name) and d.stat().st_mtime < cutoff]


def forget_old(uploads: Path, now: float | None = None,
               keep_seconds: float = KEEP_SECONDS) -> int:
    directories = old_uploads(uploads, keep_seconds, now)
    for directory in directories:
        shutil.rmtree(directory, ignore_errors=True)
    return len(directories)
