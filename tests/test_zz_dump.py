from pathlib import Path
from dataclasses import replace
from PIL import Image
from bot.services.pdf_record import load_record, render
from tests.report_fixtures import make_month

async def test_dump(bot, tmp_path):
    month = await make_month(bot)
    record = await load_record(bot.repos, month.inspections["\u0628-140509-0001"], bot.settings.media_dir)
    p = tmp_path / "a.jpg"
    Image.new("RGB", (800, 600), "#4db6ac").save(p, "JPEG")
    Path("/tmp/lo/rec.pdf").write_bytes(render(replace(record, photos=[p, p]), bot.settings.tz, bot.clock.now()))
    long = replace(record, visit={**record.visit, "findings": ("\u06a9\u0641 \u0633\u0627\u0644\u0646 \u06a9\u062b\u06cc\u0641 \u0628\u0648\u062f " * 400)})
    Path("/tmp/lo/rec_long.pdf").write_bytes(render(replace(long, photos=[p]), bot.settings.tz, bot.clock.now()))
