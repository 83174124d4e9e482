"""Inspection reference data: the shipped defaults, and imports of checklists and facilities."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.db.repos import Repos
from bot.i18n import parse_int, raw
from bot.services.onboarding import ImportReport
from bot.tabular import read_table


async def seed_inspection_defaults(repos: Repos) -> int:
    """Writes the shipped programmes, types and checklists once; returns programmes added."""
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
                await repos.programmes.replace_checklist(t_id, kind["items"])
    return len(data["programme_order"])


async def import_checklists(repos: Repos, now: datetime, path: Path) -> ImportReport:
    """Replaces checklists from rows (programme, type, item[, required]) of a CSV/XLSX file.

    Programmes and types are matched by the names people see and added when new; each type
    named in the file gets exactly the file's items, in file order.
    """
    report = ImportReport()
    rows = read_table(path, "checklists", {"programme", "type", "item"})
    by_type: dict[tuple[str, str], list[str]] = {}
    required: dict[str, int] = {}
    for row in rows:
        v = row.values
        if not (v.get("programme") and v.get("type") and v.get("item")):
            report.errors.append((row.line, "inspect_cli.missing_cell", {}))
            continue
        if v.get("required"):
            number = parse_int(v["required"])
            if number is None or not 0 <= number <= 31:
                report.errors.append((row.line, "inspect_cli.bad_required",
                                      {"value": v["required"]}))
                continue
            required[v["programme"]] = number
        by_type.setdefault((v["programme"], v["type"]), []).append(v["item"])
    if report.errors or not by_type:
        return report
    async with repos.db.transaction():
        programme_ids: dict[str, int] = {}
        for position, ((programme, kind), items) in enumerate(by_type.items(), start=1):
            if programme not in programme_ids:
                programme_ids[programme] = await repos.programmes.upsert_programme(
                    name=programme, code=None, position=100 + position,
                    monthly_required=required.get(programme),
                )
            existed = await repos.programmes.type_by_name(kind) is not None
            type_id = await repos.programmes.upsert_type(
                programme_id=programme_ids[programme], name=kind, code=None,
                position=100 + position,
            )
            await repos.programmes.replace_checklist(type_id, items)
            report.updated += existed
            report.added += not existed
        await repos.audit.record(now, None, "checklists.import", path.name,
                                    types=len(by_type))
    return report


def _coordinate(text: str, limit: float) -> float | str | None:
    """A latitude/longitude cell: a float, None when empty, or "bad"."""
    if not text:
        return None
    try:
        value = float(text.replace("\u066b", "."))
    except ValueError:
        return "bad"
    return value if -limit <= value <= limit else "bad"


async def import_facilities(repos: Repos, now: datetime, path: Path) -> ImportReport:
    """Adds or updates facilities from rows (county, type, name, address, latitude, longitude)."""
    report = ImportReport()
    rows = read_table(path, "facilities", {"county", "type", "name"})
    counties = {c.name: c.id for c in await repos.counties.all()}
    types = {t.name: t.id for t in await repos.programmes.types()}
    valid: list[tuple[int, int, str, str | None, float | None, float | None]] = []
    for row in rows:
        v = row.values
        lat = _coordinate(v.get("latitude", ""), 90)
        lon = _coordinate(v.get("longitude", ""), 180)
        if v.get("county", "") not in counties:
            report.errors.append(
                (row.line, "import.unknown_county", {"value": v.get("county", "")}))
        elif v.get("type", "") not in types:
            report.errors.append(
                (row.line, "inspect_cli.unknown_type", {"value": v.get("type", "")}))
        elif not v.get("name"):
            report.errors.append((row.line, "import.missing_name", {}))
        elif lat == "bad" or lon == "bad" or (lat is None) != (lon is None):
            report.errors.append((row.line, "inspect_cli.bad_coordinates",
                                  {"value": f"{v.get('latitude', '')} {v.get('longitude', '')}"}))
        else:
            valid.append((counties[v["county"]], types[v["type"]], v["name"],
                          v.get("address") or None, lat, lon))  # type: ignore[arg-type]
    if valid:
        report.added, report.updated = await repos.facilities.upsert_many(valid, now)
        await repos.audit.record(now, None, "facilities.import", path.name,
                                 added=report.added, updated=report.updated)
    return report
