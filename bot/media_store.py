"""Files people send, kept once on disk under their SHA-256 (content-addressed).

File ids belong to one bot token and one server; exports, printed records and backups need
the bytes, so every photo, document and voice note is downloaded once and stored here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    path: str  # relative to MEDIA_DIR, with forward slashes
    size: int


def store_media(media_dir: Path, data: bytes, suffix: str = "") -> StoredFile:
    """Writes bytes once as media_dir/ab/<sha256><suffix>; the same bytes give the same file."""
    digest = hashlib.sha256(data).hexdigest()
    relative = Path(digest[:2]) / f"{digest}{suffix}"
    target = media_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        partial.replace(target)  # atomic: a crash never leaves half a file under the final name
    return StoredFile(digest, relative.as_posix(), len(data))


def stored_path(sha256: str | None, suffix: str = "") -> str | None:
    """Where store_media kept bytes of this SHA-256 (relative to MEDIA_DIR); None for None."""
    return f"{sha256[:2]}/{sha256}{suffix}" if sha256 else None
