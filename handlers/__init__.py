"""All handlers in one ordered list. Note: order matters!

Group -2 holds the gate (private chats only; strangers only with an invitation or contact).
Group -1 first keeps a live location's updates (edited messages) in the check-in's draft and
stops them there; then it puts each person's step-flow conversations (handlers/flowkit.py)
back at their drafts' steps on their first update after a restart; it passes everything else.
Group 0 holds, in order: onboarding (/start TOKEN, contact), conversations, plain commands,
and last the catch-all that answers what nobody claimed. Within a group the first handler
that matches wins, so conversations come before the catch-all.
"""

from __future__ import annotations

from telegram.ext import BaseHandler

from handlers import (
    admin_broadcast,
    admin_compliance,
    admin_coordinates,
    admin_counties,
    admin_export,
    admin_holidays,
    admin_invite,
    admin_organisations,
    admin_people,
    admin_people_replace,
    admin_plan,
    admin_projects,
    broadcast_ack,
    broadcast_status,
    checkin_location,
    common,
    deputy_checkin,
    deputy_month,
    deputy_review,
    flow_resume,
    follow_ups,
    gate,
    inspection_record,
    invite_platform,
    member_projects,
    member_report,
    office_report,
    onboarding,
    report_text,
    review_waiting,
)


def all_handlers() -> dict[int, list[BaseHandler]]:
    """Handlers by group, in the order they must be tried."""
    return {
        -2: gate.build_handlers(),
        -1: [*checkin_location.live_handlers(), *flow_resume.resume_handlers()],
        0: [
            *onboarding.build_handlers(),
            # Conversations (one flow per module).
            admin_invite.build_handler(),
            admin_counties.build_handler(),
            deputy_checkin.build_handler(),
            admin_coordinates.build_handler(),
            follow_ups.build_handler(),
            admin_organisations.build_handler(),
            admin_projects.build_handler(),
            member_report.build_handler(),
            deputy_review.build_handler(),
            office_report.build_handler(),
            admin_broadcast.build_handler(),
            # Commands and buttons that are not conversations.
            *admin_invite.build_handlers(),
            *invite_platform.build_handlers(),
            *admin_people.build_handlers(),
            *admin_people_replace.build_handlers(),
            *deputy_checkin.build_handlers(),
            *admin_coordinates.build_handlers(),
            *deputy_month.build_handlers(),
            *follow_ups.build_handlers(),
            *admin_plan.build_handlers(),
            *admin_holidays.build_handlers(),
            *admin_compliance.build_handlers(),
            *admin_export.build_handlers(),
            *inspection_record.build_handlers(),
            *member_projects.build_handlers(),
            *deputy_review.build_handlers(),
            *review_waiting.build_handlers(),
            *report_text.build_handlers(),
            *member_report.build_handlers(),
            *office_report.build_handlers(),
            *admin_organisations.build_handlers(),
            *admin_counties.build_handlers(),
            *admin_projects.build_handlers(),
            *admin_broadcast.build_handlers(),
            *broadcast_status.build_handlers(),
            *broadcast_ack.build_handlers(),
            *common.build_handlers(),
            # Last: anything no one else claimed.
            *common.last_resort(),
        ],
    }
