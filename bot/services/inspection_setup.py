"""Inspection reference data: the shipped defaults, and imports of checklists and facilities."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bot.db.repos import Repos
from bot.i18n import parse_int, raw
from bot.services.imports import (
    Bounds,
    Choices,
    Duplicates,
    ImportReport,
    Problem,
    Progress,
    chunks,
    coordinates,
    no_progress,
    write,
)
from bot.tabular import read_table
from bot.text import match_key

Line = tuple[str, bool]  # a checklist item: its text and whether it is critical


def shipped_lines(items: list[str | dict[str, Any]]) -> list[Line]:
    """A shipped checklist's items: "text", or { text = "...", critical = true }."""
    return [(i, False) if isinstance(i, str) else (i["text"], bool(i.get("critical")))
            for i in items]


async def seed_inspection_defaults(repos: Repos) -> int:
    """Writes the shipped programmes, types and checklists once; returns programmes added.
    Items stored before checklists had a critical flag get theirs (once, see below)."""
    await flag_critical_items(repos)
    if await repos.programmes.count():
        return 0
    data = raw("checklists")
    async with repos.db.transaction():
        for p_pos, p_code in enumerate(data["programme_order"], start=1):
            programme = data["programmes"][p_code]
            p_id = await repos.programmes.upsert_programme(
                name=programme["name"], code=p_code, position=p_pos
            )
            for t_pos, t_code in enumerate(programme["types"], start=1):
                kind = data["types"][t_code]
                t_id = await repos.programmes.upsert_type(
                    programme_id=p_id, name=kind["name"], code=t_code,
                    position=p_pos * 10 + t_pos,
                )
                await repos.programmes.replace_checklist(t_id, shipped_lines(kind["items"]))
    return len(data["programme_order"])


async def flag_critical_items(repos: Repos) -> int:
    """Gives items stored before the flag existed (critical NULL, migration 0042) their flag:
    a shipped type's item whose text is marked critical in locales/fa/checklists.toml is
    critical, every other item not. Returns how many were set."""
    unflagged = await repos.programmes.unflagged_items()
    if not unflagged:
        return 0
    shipped = {(code, text) for code, kind in raw("checklists.types").items()
               for text, critical in shipped_lines(kind["items"]) if critical}
    await repos.programmes.set_critical(
        [(item_id, (code, text) in shipped) for item_id, code, text in unflagged])
    return len(unflagged)


def critical_mark(text: str) -> bool | None:
    """The «critical» cell of an imported line: empty or «no» → False, «yes» (or a mark such
    as a check mark or *) → True, anything else None."""
    key = match_key(text)
    if not key or key in {match_key(v) for v in raw("inspect_cli.critical_no")}:
        return False
    if key in {match_key(v) for v in raw("inspect_cli.critical_yes")}:
        return True
    return None


async def import_checklists(
    repos: Repos, now: datetime, path: Path, *, dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Replaces checklists from rows (programme, type, item[, required][, critical]) of a
    CSV/XLSX file.

    Programmes and types are matched by the names people see (any spelling of them) and added
    when new; each type named in the file gets exactly the file's items, in file order. The
    optional «critical» column marks items whose «no» proposes at least a serious severity.
    """
    report = ImportReport()
    rows = read_table(path, "checklists", {"programme", "type", "item"})
    programmes = {match_key(p.name): p.name for p in await repos.programmes.programmes()}
    known_types = {match_key(k.name): k for k in await repos.programmes.types()}
    by_type: dict[tuple[str, str], list[Line]] = {}
    required: dict[str, int] = {}
    seen = Duplicates("item")
    for row in progress(rows, "check"):
        v = row.values
        if not (v.get("programme") and v.get("type") and v.get("item")):
            report.reject(row.line, ("inspect_cli.missing_cell", {}))
            continue
        programme = programmes.setdefault(match_key(v["programme"]), v["programme"])
        known = known_types.get(match_key(v["type"]))
        kind = known.name if known else v["type"]
        if v.get("required"):
            number = parse_int(v["required"])
            if number is None or not 0 <= number <= 31:
                report.reject(row.line, ("inspect_cli.bad_required", {"value": v["required"]}))
                continue
            required[programme] = number
        critical = critical_mark(v.get("critical", ""))
        if critical is None:
            report.reject(row.line, ("inspect_cli.bad_critical", {"value": v["critical"]}))
            continue
        if (problem := seen.check((match_key(kind), match_key(v["item"])), row.line)):
            report.reject(row.line, problem)
            continue
        by_type.setdefault((programme, kind), []).append((v["item"], critical))

    async def work() -> None:
        programme_ids: dict[str, int] = {}
        for position, ((programme, kind), items) in enumerate(by_type.items(), start=1):
            if programme not in programme_ids:
                programme_ids[programme] = await repos.programmes.upsert_programme(
                    name=programme, code=None, position=100 + position,
                    monthly_required=required.get(programme),
                )
            known = known_types.get(match_key(kind))
            before = ([(i.text, i.critical) for i in await repos.programmes.checklist(known.id)]
                      if known else None)
            if known is not None and before == items and known.programme_id == programme_ids[
                    programme]:
                report.unchanged += 1
                continue
            type_id = await repos.programmes.upsert_type(
                programme_id=programme_ids[programme], name=kind, code=None,
                position=100 + position,
            )
            await repos.programmes.replace_checklist(type_id, items)
            report.updated += known is not None
            report.added += known is None
        await repos.audit.record(now, None, "checklists.import", path.name, types=len(by_type))

    return await write(report, repos.db.transaction, work, dry_run=dry_run)


async def import_facilities(
    repos: Repos, now: datetime, path: Path, *, bounds: Bounds, dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Adds or updates facilities from rows (county, type, name, address, latitude, longitude)."""
    report = ImportReport()
    rows = read_table(path, "facilities", {"county", "type", "name"})
    counties = Choices("county", ((c.name, c.id) for c in await repos.counties.all()))
    kinds = await repos.programmes.types()
    types = Choices("type", ((k.name, k.id) for k in kinds),
                    aliases=[(k.code, k.id) for k in kinds if k.code])
    existing = {(f.county_id, f.facility_type_id, match_key(f.name)): f
                for f in await repos.facilities.for_import()}
    seen = Duplicates("facility")
    added: list[tuple[int, int, str, str | None, float | None, float | None]] = []
    changed: list[tuple[int, str | None, float | None, float | None]] = []
    for row in progress(rows, "check"):
        v = row.values
        county_id, type_id = counties.get(v.get("county", "")), types.get(v.get("type", ""))
        point = coordinates(v.get("latitude", ""), v.get("longitude", ""), bounds)
        problem: Problem | None = None
        if county_id is None:
            problem = counties.problem(v.get("county", ""))
        elif type_id is None:
            problem = types.problem(v.get("type", ""))
        elif not v.get("name"):
            problem = ("import.missing_name", {})
        elif point is not None and isinstance(point[0], str):
            problem = point  # type: ignore[assignment]
        else:
            problem = seen.check((county_id, type_id, match_key(v["name"])), row.line)
        if problem is not None:
            report.reject(row.line, problem)
            continue
        assert county_id is not None and type_id is not None
        lat, lon = point if point is not None else (None, None)  # type: ignore[misc]
        address = v.get("address") or None
        before = existing.get((county_id, type_id, match_key(v["name"])))
        if before is None:
            added.append((county_id, type_id, v["name"], address, lat, lon))
        elif (before.address, before.lat, before.lon, before.active) == (
                address or before.address, lat if lat is not None else before.lat,
                lon if lon is not None else before.lon, True):
            report.unchanged += 1
        else:
            changed.append((before.id, address, lat, lon))
    report.added, report.updated = len(added), len(changed)

    async def work() -> None:
        for chunk in progress(chunks(added), "write"):
            await repos.facilities.upsert_many(list(chunk), now)
        for facility_id, address, lat, lon in changed:
            await repos.facilities.update_imported(facility_id, address, lat, lon)
        if added or changed:
            await repos.audit.record(now, None, "facilities.import", path.name,
                                     added=report.added, updated=report.updated)

    return await write(report, repos.db.transaction, work, dry_run=dry_run)
