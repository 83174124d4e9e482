"""How a step flow (handlers/flowkit.py) becomes python-telegram-bot handlers.

Each step's state takes its own inputs first, then anything else that is not a command or a
menu label (answered with what the step expects); cancel in every form and the stale answer
are fallbacks; half an hour without an answer leaves the flow with the draft kept.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.callbacks import Button, prefix_pattern
from handlers.common import cancel_filters
from handlers.flow_turn import Step
from handlers.menus import menu_labels

if TYPE_CHECKING:
    from handlers.flowkit import Flow

TIMEOUT = timedelta(minutes=30)


def conversation(flow: Flow, cancel: Button, *extra: BaseHandler) -> ConversationHandler:
    """The flow's persistent ConversationHandler, one state per step's name."""
    states: dict[object, list[BaseHandler]] = {
        name: state_handlers(flow, step) for name, step in flow.steps.items()}
    states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, flow._timed_out)]
    return ConversationHandler(
        entry_points=flow.entry_points, states=states,
        fallbacks=fallbacks(flow, cancel, *extra), name=flow.name,
        persistent=True, allow_reentry=True, conversation_timeout=TIMEOUT,
    )


def state_handlers(flow: Flow, step: Step) -> list[BaseHandler]:
    """The step's own inputs, then anything else that is not a command or a menu label."""
    handlers: list[BaseHandler] = []
    for accept in step.accepts:
        callback = flow._run(step, accept)
        if accept.button is not None:
            handlers.append(CallbackQueryHandler(callback, pattern=accept.button.pattern))
        else:
            handlers.append(MessageHandler(accept.messages, callback))
    anything = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~menu_labels()
    handlers.append(MessageHandler(anything, flow._other))
    return handlers


def fallbacks(flow: Flow, cancel: Button, *extra: BaseHandler) -> list[BaseHandler]:
    """Cancel in every form, the flow's own extra fallbacks, then the stale answer."""
    return [*cancel_filters(flow._cancel), CallbackQueryHandler(flow._cancel,
                                                                pattern=cancel.pattern),
            *extra, CallbackQueryHandler(flow._stale, pattern=prefix_pattern(flow.prefix))]
