"""What a file really is, from its first bytes, whatever its name or declared type says.

Report attachments are accepted by content: a Windows program named `receipt.pdf` and sent
as application/pdf is still a program. puremagic reads the signature; only the kinds an
office can open everywhere are accepted.
"""

from __future__ import annotations

from enum import StrEnum

HEAD_BYTES = 4096  # enough for every signature below (HEIC's ftyp box is in the first 32)


class FileKind(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    HEIC = "heic"


# puremagic's MIME types for the accepted kinds (HEIC is reported as HEIF or HEIC).
_BY_MIME = {
    "application/pdf": FileKind.PDF,
    "image/jpeg": FileKind.JPEG,
    "image/png": FileKind.PNG,
    "image/webp": FileKind.WEBP,
    "image/heic": FileKind.HEIC,
    "image/heif": FileKind.HEIC,
    "image/heic-sequence": FileKind.HEIC,
    "image/heif-sequence": FileKind.HEIC,
}


# HEIF brands puremagic does not list (phones write "mif1" as the major brand too).
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"}


def sniff(head: bytes) -> FileKind | None:
    """The accepted kind the bytes start like, or None (unknown, or another kind)."""
    import puremagic  # noqa: PLC0415 - only attachment checks need it

    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return FileKind.HEIC
    try:
        matches = puremagic.magic_string(head[:HEAD_BYTES])
    except (puremagic.PureError, ValueError):
        return None
    for match in sorted(matches, key=lambda m: -m.confidence):
        if match.mime_type in _BY_MIME:
            return _BY_MIME[match.mime_type]
        if match.extension in (".heic", ".heif"):
            return FileKind.HEIC
    return None
