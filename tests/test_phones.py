import pytest

from bot.phones import normalize_phone


@pytest.mark.parametrize(
    "typed",
    ["09123456789", "+989123456789", "00989123456789", "989123456789", "9123456789",
     "۰۹۱۲۳۴۵۶۷۸۹", "٠٩١٢٣٤٥٦٧٨٩", "0912 345 6789", "+98 (912) 345-6789"],
)
def test_every_way_of_writing_a_mobile_number(typed):
    assert normalize_phone(typed) == "+989123456789"


@pytest.mark.parametrize("typed", ["", "12345", "02112345678", "+4915112345678", "phone"])
def test_not_a_mobile_number(typed):
    assert normalize_phone(typed) is None
