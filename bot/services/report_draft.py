"""The rules of a progress report being written (/report), over its draft's data.

Each answer is checked and stored here, and the function says which step comes next
(bot/steps.py); handlers/member_report.py only parses and asks. The order of the steps is
SEQUENCE; a step's own detours (a reason when progress goes down, «is this the final
report?» at 100 %, a confirmation above the budget) are decided by the step's rule. When one
step is being changed from the summary (the draft's editing flag), the step after it is the
summary.
"""

from __future__ import annotations

from typing import Any

from bot import steps
from bot.clock import to_db
from bot.db.repos.drafts import Draft
from bot.db.repos.projects import Project
from bot.db.repos.reports import Attachment, Report
from bot.domain import Person
from bot.steps import STAY, SUMMARY, Outcome, Refuse

FLOW = "member_report"  # the conversation's name and its drafts' flow
SEQUENCE = ("percent", "done", "files", "spent", "people")  # what "change a step" offers
MAX_TEXT = 3000
MAX_FILES = 10
MAX_FILE_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp", "image/heic",
                  "image/heif")


def after(draft: Draft, step: str) -> str:
    """The step after `step`, or the summary."""
    return steps.after(SEQUENCE, draft, step)


def new_report(project: Project, previous: int | None) -> dict[str, Any]:
    """A fresh draft's data for the project (previous: the percent reported so far)."""
    return {"project_id": project.id, "kind": "progress", "previous_percent": previous,
            "files": []}


def revision_of(old: Report, files: list[Attachment], reason: str | None) -> dict[str, Any]:
    """A revision's draft data: the returned version's answers and files, and its reason."""
    return {
        "project_id": old.project_id, "kind": old.kind, "percent": old.percent,
        "previous_percent": old.previous_percent, "backwards_reason": old.backwards_reason,
        "done_text": old.done_text, "spent": old.spent, "over_budget_ok": old.over_budget_ok,
        "people_reached": old.people_reached, "revises": old.id, "return_reason": reason,
        "files": [{"kind": f.kind, "file_id": f.file_id, "file_unique_id": f.file_unique_id,
                   "file_name": f.file_name, "mime_type": f.mime_type, "size": f.size,
                   "sha256": f.sha256, "received_at": to_db(old.created_at)} for f in files],
    }


# The steps, in order -------------------------------------------------------------------------
def set_percent(draft: Draft, percent: int) -> Outcome:
    """Keeps the percent; lower than before asks why, 100 asks whether this is the final."""
    draft.data.update(percent=percent, kind="progress")
    if percent < (draft.data.get("previous_percent") or 0):
        return "back_reason"
    draft.data["backwards_reason"] = None
    return "final" if percent == 100 else after(draft, "percent")


def set_back_reason(draft: Draft, reason: str) -> Outcome:
    """Keeps why progress went down (as typed)."""
    if not reason:
        return Refuse("flow.expect_text")
    draft.data["backwards_reason"] = reason[:MAX_TEXT]
    return after(draft, "percent")


def set_final(draft: Draft, final: bool) -> Outcome:
    """At 100 %: the final report (a request to complete the project), or not."""
    draft.data["kind"] = "final" if final else "progress"
    return after(draft, "percent")


def set_done_text(draft: Draft, text: str) -> Outcome:
    """Keeps what was done (as typed); a voice note given before is dropped."""
    if not text:
        return Refuse("flow.expect_text")
    draft.data["done_text"] = text[:MAX_TEXT]
    draft.data["files"] = [f for f in draft.data["files"] if f["kind"] != "voice"]
    return after(draft, "done")


def set_done_voice(draft: Draft, voice: dict[str, Any]) -> Outcome:
    """What was done, as a voice note (kept with the files)."""
    draft.data["done_text"] = None
    draft.data["files"] = [f for f in draft.data["files"] if f["kind"] != "voice"] + [voice]
    return after(draft, "done")


def file_refusal(draft: Draft, *, mime_type: str | None, size: int | None,
                 is_document: bool) -> Refuse | None:
    """Why a photo or document cannot be added (type, size, count), or None."""
    if is_document and (mime_type or "") not in DOCUMENT_TYPES:
        return Refuse("report.file_bad_type")
    if (size or 0) > MAX_FILE_BYTES:
        return Refuse("report.file_too_big")
    if len([f for f in draft.data["files"] if f["kind"] != "voice"]) >= MAX_FILES:
        return Refuse("report.file_limit")
    return None


def add_file(draft: Draft, file: dict[str, Any]) -> int | None:
    """Adds a stored photo or document; the number of files, None if it is there already."""
    files = draft.data["files"]
    if any(f["file_unique_id"] == file["file_unique_id"] or
           (file.get("sha256") and f.get("sha256") == file["sha256"]) for f in files):
        return None
    files.append(file)
    return len([f for f in files if f["kind"] != "voice"])


def clear_files(draft: Draft) -> Outcome:
    """Removes the photos and documents (a voice note of «what was done» stays)."""
    draft.data["files"] = [f for f in draft.data["files"] if f["kind"] == "voice"]
    return STAY


def files_done(draft: Draft) -> Outcome:
    """Ends the file loop."""
    return after(draft, "files")


def set_spent(draft: Draft, amount: int, budget: int) -> Outcome:
    """Keeps the total spent; above the budget asks for a confirmation."""
    draft.data.update(spent=amount, over_budget_ok=False)
    return "over" if amount > budget else after(draft, "spent")


def confirm_over(draft: Draft, yes: bool) -> Outcome:
    """Above the budget: yes records the confirmation, no asks the amount again."""
    if not yes:
        return "spent"
    draft.data["over_budget_ok"] = True
    return after(draft, "spent")


def set_people(draft: Draft, count: int | None) -> Outcome:
    """How many people were reached (None: not counted)."""
    draft.data["people_reached"] = count
    return after(draft, "people")


def reopen(draft: Draft, step: str) -> Outcome:
    """Changes one step from the summary: that step is asked, then the summary again."""
    return steps.reopen(SEQUENCE, draft, step)


def resume_step(draft: Draft) -> str:
    """Where an unfinished draft continues: its step, else its first unanswered one."""
    d = draft.data
    if draft.step:
        return draft.step
    if d.get("percent") is None:
        return "percent"
    if d.get("done_text") is None and not any(f["kind"] == "voice" for f in d["files"]):
        return "done"
    return "files" if d.get("spent") is None else SUMMARY


# Reading the draft as a report -----------------------------------------------------------------
def as_report(draft: Draft, author: Person, version: int = 1) -> Report:
    """The draft as a Report, for the summary card (nothing of it is stored yet)."""
    d = draft.data
    return Report(
        id=0, project_id=d["project_id"], author_id=author.id, kind=d.get("kind", "progress"),
        root_id=0, revision_of=d.get("revises"), version=version, status="draft",
        percent=d.get("percent"), previous_percent=d.get("previous_percent"),
        backwards_reason=d.get("backwards_reason"), done_text=d.get("done_text"),
        spent=d.get("spent"), over_budget_ok=bool(d.get("over_budget_ok")),
        people_reached=d.get("people_reached"), tracking_code=None,
        created_at=draft.started_at, submitted_at=None, decided_at=None,
    )


def files_of(draft: Draft) -> list[Attachment]:
    """The draft's files as attachments, for the summary card."""
    return [Attachment(0, 0, f["kind"], f["file_id"], f["file_unique_id"], f.get("file_name"),
                       f.get("mime_type"), f.get("size"), f.get("sha256"))
            for f in draft.data["files"]]


def complete(draft: Draft) -> bool:
    """Whether the draft has every answer a report needs (the summary's confirm)."""
    d = draft.data
    backwards = (d.get("percent") or 0) < (d.get("previous_percent") or 0)
    return (d.get("percent") is not None and d.get("spent") is not None
            and (not backwards or bool(d.get("backwards_reason"))))

