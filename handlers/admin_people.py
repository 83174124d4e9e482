"""/people (admins): who is there, by role and county or organisation, paged, with last
activity; a person's card; deactivating someone who left.

No conversation: every step is a button whose data carries what it needs («ppl:l:d:0» the
deputies' first page, «ppl:p:12» a card, «ppl:x:12» / «ppl:xy:12» deactivate and confirm),
and the service re-checks each press. Replacing a deputy: handlers/admin_people_replace.py.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.callbacks import People as CB
from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import ROLE_LABEL_KEYS, Person, Role
from bot.i18n import fa_digits, t, t_plain
from bot.jalali import format_datetime
from bot.services.people import (
    FILTERS,
    OUTCOME_KEYS,
    PAGE_SIZE,
    Outcome,
    Page,
    deactivate,
    people_page,
    place_of,
)
from handlers.keyboards import rows_keyboard
from handlers.menus import menu_button


def seen(context: BotContext, person: Person) -> str:
    """When the person last used the bot, as people read it."""
    if person.last_seen_at is None:
        return t_plain("people.never_seen")
    return format_datetime(person.last_seen_at, context.clock.tz)


def page_view(context: BotContext, code: str, page: Page) -> tuple[str, InlineKeyboardMarkup]:
    """The list's text and buttons: a card per person, paging, the four filters."""
    name = t_plain(f"people.filter_{code}")
    if not page.lines:
        text = t("people.empty", filter=name)
    else:
        lines = [t("people.line", n=page.page * PAGE_SIZE + i + 1, name=line.person.name,
                   place=line.place or t_plain("people.province"),
                   seen=seen(context, line.person),
                   status=t_plain("people.pre_registered") if line.person.tg_user_id is None
                   else "")
                 for i, line in enumerate(page.lines)]
        text = t("people.title", filter=name, page=page.page + 1, pages=page.pages,
                 total=page.total) + "\n" + "\n".join(lines)
    cards = [(f"{fa_digits(page.page * PAGE_SIZE + i + 1)}. {line.person.name}"[:60],
              CB.CARD(line.person.id))
             for i, line in enumerate(page.lines)]
    nav = []
    if page.page > 0:
        nav.append((t_plain("people.previous"), CB.LIST(code, page.page - 1)))
    if page.page + 1 < page.pages:
        nav.append((t_plain("people.next"), CB.LIST(code, page.page + 1)))
    filters = [(t_plain(f"people.filter_{c}"), CB.LIST(c, 0)) for c in FILTERS if c != code]
    rows = [cards[i:i + 2] for i in range(0, len(cards), 2)] + [nav, filters]
    return text, rows_keyboard(rows)


@require_role(Role.ADMIN)
async def show_people(update: Update, context: BotContext) -> None:
    """Sends the first page of the deputies (the list admins most often need)."""
    text, markup = page_view(context, "d", await people_page(context.repos, "d", 0))
    await update.effective_message.reply_text(text, reply_markup=markup)


@require_role(Role.ADMIN)
async def show_page(update: Update, context: BotContext) -> None:
    """Shows another page or another filter of the list, in place."""
    query = update.callback_query
    code, page = CB.LIST.parse(query.data)
    await query.answer()
    text, markup = page_view(context, code, await people_page(context.repos, code, page))
    await query.edit_message_text(text, reply_markup=markup)


async def card_text(context: BotContext, person: Person) -> str:
    """One person's card."""
    return t("people.card", name=person.name, role=t_plain(ROLE_LABEL_KEYS[person.role]),
             place=await place_of(context.repos, person) or t_plain("people.province"),
             phone=person.phone or t_plain("people.no_phone"), seen=seen(context, person),
             status=t_plain("people.status_active" if person.active
                            else "people.status_inactive"))


@require_role(Role.ADMIN)
async def show_card(update: Update, context: BotContext) -> None:
    """Shows a person's card with what can be done about them."""
    query = update.callback_query
    await query.answer()
    (person_id,) = CB.CARD.parse(query.data)
    person = await context.repos.people.get(person_id)
    if person is None:
        await query.edit_message_text(t("people.gone"))
        return
    code = next(c for c, r in FILTERS.items() if r is person.role) if person.active else "x"
    rows = []
    if person.active:
        rows.append([(t_plain("people.deactivate_button"), CB.DEACTIVATE(person.id))])
    if person.active and person.role is Role.DEPUTY:
        rows.append([(t_plain("people.replace_button"), CB.REPLACE(person.id))])
    rows.append([(t_plain("people.back"), CB.LIST(code, 0))])
    await query.edit_message_text(await card_text(context, person),
                                  reply_markup=rows_keyboard(rows))


@require_role(Role.ADMIN)
async def ask_deactivate(update: Update, context: BotContext) -> None:
    """Asks the admin to confirm taking a person's access away."""
    query = update.callback_query
    await query.answer()
    (person_id,) = CB.DEACTIVATE.parse(query.data)
    person = await context.repos.people.get(person_id)
    if person is None or not person.active:
        await query.edit_message_text(t("people.gone"))
        return
    await query.edit_message_text(
        t("people.confirm_deactivate", name=person.name),
        reply_markup=rows_keyboard([[
            (t_plain("people.yes_deactivate"), CB.DEACTIVATE_YES(person.id)),
            (t_plain("people.cancel_button"), CB.CARD(person.id))]]))


@require_role(Role.ADMIN)
async def confirm_deactivate(update: Update, context: BotContext) -> None:
    """Deactivates the person and says so in place."""
    query = update.callback_query
    await query.answer()
    (person_id,) = CB.DEACTIVATE_YES.parse(query.data)
    person = await context.repos.people.get(person_id)
    outcome = await deactivate(context.repos, context.now(), person.id if person else 0,
                               await person_of(update, context), context.settings.bootstrap_admins)
    text = (t("people.deactivated", name=person.name) if outcome is Outcome.DONE and person
            else t(OUTCOME_KEYS[outcome]))
    await query.edit_message_text(text)


def build_handlers() -> list:
    """/people, its menu entry and its buttons."""
    return [
        CommandHandler("people", show_people),
        MessageHandler(menu_button("menu.people"), show_people),
        CallbackQueryHandler(show_page, pattern=CB.LIST.pattern),
        CallbackQueryHandler(show_card, pattern=CB.CARD.pattern),
        CallbackQueryHandler(ask_deactivate, pattern=CB.DEACTIVATE.pattern),
        CallbackQueryHandler(confirm_deactivate, pattern=CB.DEACTIVATE_YES.pattern),
    ]
