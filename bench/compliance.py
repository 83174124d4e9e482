"""Benchmark (not a test): 450 counties x 5 years, LEAGUE_SQL against a raw single query.

Run: .venv/bin/python -m bench.compliance [DB_PATH]  (builds the file once, ~10 s).
"""
# ruff: noqa
import random, sqlite3, time, sys
from pathlib import Path
from bot.db.repos.compliance import LEAGUE_SQL, league_params
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo
from bot.jalali import JalaliMonth
path = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/nazer-bench.sqlite3")
build = not path.exists()
db = sqlite3.connect(path)
if build:
    for f in sorted((Path(__file__).resolve().parent.parent / "bot" / "db" / "migrations").glob("*.sql")):
        db.executescript(f.read_text())
        db.execute(f"PRAGMA user_version = {int(f.name[:4])}")  # so the bot can open it
    rng = random.Random(1)
    T = "2026-01-01 00:00:00"
    db.executemany("INSERT INTO counties (id, name, created_at) VALUES (?,?,?)", [(c, f"c{c}", T) for c in range(1, 451)])
    db.executemany("INSERT INTO programmes (id, name, monthly_required, position) VALUES (?,?,?,?)", [(1,"food",1,1),(2,"sports",1,2),(3,"health",1,3)])
    db.executemany("INSERT INTO facility_types (id, programme_id, name) VALUES (?,?,?)", [(1,1,"a"),(2,2,"b"),(3,3,"c")])
    db.executemany("INSERT INTO people (id, name, role, county_id, created_at, updated_at) VALUES (?,?,?,?,?,?)", [(c, f"d{c}", "deputy", c, T, T) for c in range(1, 451)])
    db.executemany("INSERT INTO facilities (id, county_id, facility_type_id, name, created_at) VALUES (?,?,?,?,?)", [(c*3+k, c, k, f"f{c}{k}", T) for c in range(1,451) for k in (1,2,3)])
    months = [(y, m) for y in range(1401, 1406) for m in range(1, 13)]
    insp, plans, fus = [], [], []
    n = 0
    for y, m in months:
        period = f"{y}-{m:02d}"
        g = date(2021, 3, 21) + timedelta(days=((y-1401)*12 + m-1)*30.4)
        for c in range(1, 451):
            for k in (1, 2, 3):
                plans.append((period, c, c, k, (g+timedelta(days=10)).isoformat(), T))
                for v in range(rng.choice((0, 1, 1, 2))):
                    n += 1
                    ts = f"{g+timedelta(days=rng.randint(0,28))} 08:00:00"
                    insp.append((n, f"t{n}", n, period, c, c, k, k, c*3+k, ts, ts, "skipped", "x", "none", rng.choice(("strong","medium","weak"))))
                    if rng.random() < 0.1:
                        fus.append((n, c, "serious", "closed" if rng.random() < .8 else "open", ts, ts))
    db.executemany("INSERT INTO inspections (id, tracking, draft_id, period, deputy_id, county_id, programme_id, facility_type_id, facility_id, started_at, confirmed_at, location_status, location_note, severity, evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", insp)
    db.executemany("INSERT INTO inspection_plans (period, deputy_id, county_id, programme_id, planned_day, created_at, with_month) VALUES (?,?,?,?,?,?,1)", plans)
    db.executemany("INSERT INTO follow_ups (inspection_id, county_id, severity, status, opened_at, due_at, closed_at, close_note, close_photo_sha256) VALUES (?,?,?,?,?,?,?,?,?)", [(a,b,c,d,e,f, e if d=="closed" else None, "n" if d=="closed" else None, "a"*64 if d=="closed" else None) for a,b,c,d,e,f in fus])
    db.executemany("INSERT INTO organisations (id, name, county_id, created_at) VALUES (?,?,?,?)", [(c, f"o{c}", c, T) for c in range(1,451)])
    projects, reports = [], []
    pid = rid = 0
    for c in range(1, 451):
        for j in range(20):
            pid += 1
            s = date(2021, 3, 21) + timedelta(days=j*90)
            projects.append((pid, c, f"p{pid}", "sport", 100, s.isoformat(), (s+timedelta(days=90)).isoformat(), rng.choice(("active","completed","overdue")), T, T, T))
            for r in range(3):
                rid += 1
                sub = f"{s+timedelta(days=30*r)} 09:00:00"
                reports.append((rid, pid, c, rid, "submitted", 50, 10, f"{rid}-1", sub, sub, sub))
    db.executemany("INSERT INTO projects (id, organisation_id, title, domain, budget, start_date, deadline, status, completed_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", projects)
    db.executemany("INSERT INTO progress_reports (id, project_id, author_id, root_id, status, percent, spent, tracking_code, submitted_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", reports)
    db.commit()
    print("built", n, "inspections", len(plans), "plans", len(fus), "follow-ups", pid, "projects", rid, "reports")
tz = ZoneInfo("Asia/Tehran")
month = JalaliMonth(1405, 9)
start = datetime.combine(month.first_day, datetime.min.time(), tzinfo=tz)
end = datetime.combine(month.last_day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
day_ends = {d: datetime.combine(d + timedelta(days=1), datetime.min.time(), tzinfo=tz) for d in month.dates()}
params = league_params(month.key(), start, end, month.last_day, datetime(2026, 11, 29, tzinfo=UTC), date(2026, 11, 29), day_ends)
RAW = "SELECT county_id, programme_id, count(*) FROM inspections WHERE period = :period GROUP BY county_id, programme_id"
for name, sql in (("league", LEAGUE_SQL), ("raw", RAW)):
    db.execute(sql, params).fetchall()
    best = min((lambda t0: (db.execute(sql, params).fetchall(), time.perf_counter()-t0)[1])(time.perf_counter()) for _ in range(7))
    print(name, f"{best*1000:.1f} ms", len(db.execute(sql, params).fetchall()), "rows")
print(db.execute("EXPLAIN QUERY PLAN " + LEAGUE_SQL, params).fetchall())
