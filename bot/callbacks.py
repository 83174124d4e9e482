"""Every button's callback data, defined once: built, parsed and matched here.

A `Button` is one family of callback data: a fixed ASCII prefix and typed fields, e.g.
`ci:a:<item id>:<y|n|x>`. Handlers register `pattern=FAMILY.pattern` and read the fields
with `FAMILY.parse(query.data)`; services that put buttons into outbox messages build the data
with `FAMILY(…)`. Nothing else splits or formats callback data, so a family's shape lives in
one line. Data is never trusted: parse() gives typed values, the services still check them.
Telegram allows 1–64 bytes; building longer data is a programming error and raises.

Pure Python, no Telegram import: services may use it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

MAX_BYTES = 64


@dataclass(frozen=True)
class Field:
    """One typed part of callback data: its regex and how to read it back."""

    regex: str
    kind: type = str

    def read(self, text: str) -> Any:
        return self.kind(text)


ID = Field(r"\d{1,9}", int)  # a database id
PAGE = Field(r"\d{1,4}", int)  # a page number of a list
MONTH = Field(r"\d{4}-\d{2}")  # a Jalali month key, 1405-09
STEP = Field(r"[a-z_]{1,16}")  # a step's name; the flow's service checks it is one of its own
SMALL = Field(r"\d{1,2}", int)  # an index into a short list, or a number of days


def choice(options: Iterable[str] | type[Enum]) -> Field:
    """A field that is one of these words (or an enum's values)."""
    values = [o.value for o in options] if isinstance(options, type) else list(options)
    return Field("(?:" + "|".join(re.escape(str(v)) for v in values) + ")")


class Button:
    """A family of callback data: prefix, then fields separated by «:»."""

    def __init__(self, prefix: str, *fields: Field) -> None:
        # Later parts may hold digits («ppl:i2») but start with a letter, so no part of a
        # prefix can be read as an id field.
        if not re.fullmatch(r"[a-z]{1,5}(:[a-z][a-z_0-9]{0,11})*", prefix):
            raise ValueError(f"bad callback prefix {prefix!r}")
        self.prefix = prefix
        self.fields = fields
        parts = [re.escape(prefix), *(f"({f.regex})" for f in fields)]
        self._regex = re.compile("^" + ":".join(parts) + "$")
        # A checklist redraws the same buttons on every answer: each data is checked once.
        self._built = functools.lru_cache(maxsize=1024, typed=True)(self._build)

    @property
    def pattern(self) -> str:
        """The anchored regex a CallbackQueryHandler matches this family with."""
        return self._regex.pattern

    def __call__(self, *values: Any) -> str:
        """The callback data for these field values."""
        return self._built(*values)

    def _build(self, *values: Any) -> str:
        if len(values) != len(self.fields):
            raise TypeError(f"{self.prefix} takes {len(self.fields)} values, got {len(values)}")
        data = ":".join([self.prefix, *(str(v.value if isinstance(v, Enum) else v)
                                        for v in values)])
        if not self._regex.match(data) or len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data {data!r} does not fit its family")
        return data

    def parse(self, data: str | None) -> tuple[Any, ...] | None:
        """The typed field values of data, or None when data is not of this family."""
        match = self._regex.match(data or "")
        if match is None:
            return None
        return tuple(f.read(v) for f, v in zip(self.fields, match.groups(), strict=True))

    def matches(self, data: str | None) -> bool:
        return self._regex.match(data or "") is not None

    def __repr__(self) -> str:
        return f"Button({self.prefix!r})"


def all_buttons() -> list[Button]:
    """Every family defined below (for the tests that check they fit and never overlap)."""
    return [b for group in list(globals().values()) if isinstance(group, type)
            for b in vars(group).values() if isinstance(b, Button)]


def prefix_pattern(prefix: str) -> str:
    """Any data of a flow (its stale-button answer): «ci:…»."""
    return f"^{re.escape(prefix)}:"


# /inspect, the check-in (handlers/deputy_checkin.py) ------------------------------------------
class Checkin:
    RESUME = Button("ci:resume")
    FRESH = Button("ci:fresh")
    PROGRAMME = Button("ci:p", ID)
    TYPE = Button("ci:t", ID)
    FACILITY = Button("ci:f", ID)
    NEW_FACILITY = Button("ci:new")
    NO_ADDRESS = Button("ci:na")
    PHOTOS_DONE = Button("ci:pd")
    FAR = Button("ci:far", choice(("again", "disputed", "weak")))  # a location far away
    ANSWER = Button("ci:a", ID, choice("ynx"))
    ALL_YES = Button("ci:ay")  # every item not answered yet: yes
    CHECKLIST_DONE = Button("ci:ad")
    FIXED = Button("ci:fx")  # a «no» corrected on the spot (then: how)
    NOT_FIXED = Button("ci:fxb")  # ... no: write the finding after all
    NO_FINDINGS = Button("ci:nf")
    SEVERITY = Button("ci:s", choice(("none", "minor", "serious", "critical")))
    CONFIRM = Button("ci:ok", ID)
    CHANGE = Button("ci:ch")
    GO = Button("ci:go", STEP)
    CANCEL = Button("ci:x")
    PREFIX = "ci"


# Correcting a facility's coordinates a deputy disputed (handlers/admin_coordinates.py) ----
class Coordinates:
    FIX = Button("fac:fix", ID)  # a facility; in the admins' notice and /coordinates
    USE = Button("fac:use")  # the position the deputy sent at the latest disputed visit
    CONFIRM = Button("fac:ok")
    AGAIN = Button("fac:re")
    CANCEL = Button("fac:x")
    PREFIX = "fac"


# /report, a progress report (handlers/member_report.py) and its notices --------------------
class Report:
    PROJECT = Button("rep:p", ID)
    RESUME = Button("rep:resume")
    REVISE = Button("rep:rev", ID)
    FINAL = Button("rep:final", choice("01"))
    FILES_DONE = Button("rep:files:done")
    FILES_CLEAR = Button("rep:files:clear")
    OVER = Button("rep:over", choice(("yes", "no")))
    PEOPLE_SKIP = Button("rep:people:skip")
    CONFIRM = Button("rep:ok")
    CHANGE = Button("rep:edit")
    GO = Button("rep:step", STEP)
    CANCEL = Button("rep:cancel")
    FULL_TEXT = Button("rep:full")  # the summary's long answers in full
    PREFIX = "rep"


# /office_report, a facilitation office's monthly report (handlers/office_report.py) ---------
class Office:
    START = Button("ofr:start")
    MONTH = Button("ofr:m", MONTH)
    CONFIRM = Button("ofr:ok")
    CHANGE = Button("ofr:ch")
    GO = Button("ofr:go", STEP)
    CANCEL = Button("ofr:cancel")
    PREFIX = "ofr"


# /add_organisation and /add_project, admins (handlers/admin_organisations.py, admin_projects.py)
class AddOrganisation:
    KIND = Button("ao:k", choice(("ngo", "office")))
    COUNTY = Button("ao:c", ID)
    SKIP = Button("ao:skip")
    CANCEL = Button("ao:x")
    PREFIX = "ao"


class AddProject:
    ORGANISATION = Button("ap:o", ID)
    DOMAIN = Button("ap:d", Field(r"[a-z_]{1,20}"))
    TODAY = Button("ap:today")
    DEFAULT_DEADLINE = Button("ap:def")
    CONFIRM = Button("ap:ok")
    CHANGE = Button("ap:ch")
    GO = Button("ap:go", STEP)
    CANCEL = Button("ap:x")
    PREFIX = "ap"


# /counties, admins (handlers/admin_counties.py) ------------------------------------------------
class Counties:
    ADD = Button("cty:add")
    RENAME = Button("cty:rename")
    PICK = Button("cty:pick", ID)
    CANCEL = Button("cty:cancel")
    PREFIX = "cty"


# /broadcast, admins (handlers/admin_broadcast.py), and its recipients' «seen» ----------------
class Broadcasts:
    NO_ATTACHMENT = Button("bc:noatt")
    AUDIENCE = Button("bc:aud", choice(("all", "deputies", "members", "admins", "counties",
                                        "organisation")))
    COUNTY = Button("bc:cty", ID)
    COUNTIES_DONE = Button("bc:cty:done")
    ORGANISATION = Button("bc:org", ID)
    ORGANISATIONS_OF = Button("bc:orgc", ID)
    ACK = Button("bc:ack", choice("01"))
    SEND = Button("bc:send")
    CANCEL = Button("bc:cancel")
    PREFIX = "bc"
    SEEN = Button("bca", ID)  # under the message recipients get
    SEEN_PREVIEW = Button("bca:preview")  # under the admin's preview: does nothing
    NOT_ACKED = Button("bcl:na", ID)  # who has not pressed «seen» yet (/broadcasts)


# Pages of a list (handlers/paging.py): «pg:CODE:PAGE», or «pg:CODE:ID:PAGE» for the list of
# one object (a project's history, a deputy's plan).
class Pages:
    MONTH = Button("pg:mo", PAGE)  # /month, a deputy's visits
    REVIEWS = Button("pg:rv", PAGE)  # /review, reports waiting
    INVITES = Button("pg:inv", PAGE)  # /invites, invitations still usable
    PROJECTS = Button("pg:pj", PAGE)  # /projects, the cards
    HISTORY = Button("pg:ph", ID, PAGE)  # one project's reports
    BROADCASTS = Button("pg:bc", PAGE)  # /broadcasts, recent ones
    PLAN = Button("pg:pl", ID, PAGE)  # a county's plan (/plan)


# Reviewing progress reports (handlers/deputy_review.py) and the notices' buttons -------------
class Review:
    ACCEPT = Button("rv:ok", ID)  # asks to confirm
    ACCEPT_YES = Button("rv:oky", ID)
    ACCEPT_NO = Button("rv:okn", ID)
    RETURN = Button("rv:ret", ID)  # asks for the reason
    REASON = Button("rv:why", SMALL)  # one of the common reasons, by its place in the list
    CANCEL = Button("rv:cancel")
    OPEN = Button("rv:open", ID)  # one waiting report, as its notice showed it
    FULL_TEXT = Button("rtx", ID)  # a report's own texts in full (handlers/report_text.py)


# Follow-ups of findings (handlers/follow_ups*.py) and the reminders' «close» buttons --------
class FollowUps:
    LIST = Button("fu:l", ID, PAGE)  # a county's page (county 0: every county)
    CLOSE = Button("fu:c", ID)
    CONFIRM_CLOSE = Button("fu:ok", ID)
    EXTEND = Button("fu:e", ID)
    DAYS = Button("fu:d", ID, SMALL)  # extend by that many days
    CANCEL = Button("fu:x")


# /people and replacing a deputy (handlers/admin_people.py, admin_people_replace.py) ---------
class People:
    LIST = Button("ppl:l", choice("adxm"), PAGE)  # a filter (admins, deputies, inactive,
    CARD = Button("ppl:p", ID)  # ... members) and a page
    DEACTIVATE = Button("ppl:x", ID)
    DEACTIVATE_YES = Button("ppl:xy", ID)
    REPLACE = Button("ppl:r", ID)  # a deputy: who takes over
    SUCCESSOR = Button("ppl:rp", ID, ID)  # the old deputy, the one taking over: asks
    REPLACE_YES = Button("ppl:ry", ID, ID)
    INVITE_SUCCESSOR = Button("ppl:ri", ID)
    SECOND_DEPUTY = Button("ppl:i2", ID)  # a county: invite a second deputy after all
    CANCEL = Button("ppl:no")


# /invite and /invites (handlers/admin_invite.py, invite_platform.py) ------------------------
class Invites:
    ROLE = Button("inv:role", choice(("admin", "deputy", "member")))
    COUNTY = Button("inv:county", ID)
    ORGANISATION = Button("inv:org", ID)
    CANCEL = Button("inv:cancel")
    REVOKE = Button("inv:revoke", ID)
    PLATFORM = Button("inv:pf", ID, choice(("telegram", "bale")))  # the same, for the other


# /export (handlers/admin_export.py): each step carries the choices so far -------------------
EXPORT_KIND = Field(r"[a-z][a-z-]{0,19}")  # the handler checks it is a known kind
EXPORT_PERIOD = Field(r"[a-z0-9]{1,3}")  # ... and a known period
EXPORT_FORMAT = Field(r"[a-z]{3,4}")  # ... and format


class Exports:
    KIND = Button("ex:k", EXPORT_KIND)
    COUNTY = Button("ex:c", EXPORT_KIND, ID)  # county 0: all counties
    PERIOD = Button("ex:p", EXPORT_KIND, ID, EXPORT_PERIOD)
    FORMAT = Button("ex:f", EXPORT_KIND, ID, EXPORT_PERIOD, EXPORT_FORMAT)


# The county league (handlers/admin_compliance.py) -------------------------------------------
class Compliance:
    COUNTY = Button("cmp", ID, Field(r"\d{6}"))  # what made a county's score in a month, YYYYMM
    HELP = Button("cmp:help")


# Projects (handlers/member_projects.py) and printed visit records (inspection_record.py) ----
class Projects:
    HISTORY = Button("prj:h", ID)
    CANCEL = Button("prj:x", ID)  # an admin: asks to confirm
    CANCEL_YES = Button("prj:xy", ID)
    CANCEL_NO = Button("prj:xn", ID)


class Records:
    PDF = Button("rec", ID)  # a visit's printed record
