"""The step-flow kit: one way to hold a multi-step conversation.

A flow is a list of named steps; a step has one prompt and the inputs it takes (text, a
press of its buttons, a photo, a location). The person's draft in the database
(bot/db/repos/drafts.py) is the one source of truth: the answers and the name of the step
being asked, written before the question goes out; PTB's stored conversation state is that
same name. An input takes three moves: the step's callback parses it and calls the flow's
service, which stores the answer in the draft and says what comes next (a step's name, or a
refusal); the kit writes the draft once and asks that step.

What no flow writes again:
- the sender's role is checked on every update, and the draft loaded (gone: said, flow ends);
- every press is answered exactly once;
- free text never takes a command, a menu label or another step's button label: those fall
  through to their own handlers and the draft is unchanged;
- "change one step" from the summary: the draft's editing flag; the service returns SUMMARY;
- a button of another step, or of an ended flow, gets the stale answer;
- resume after a restart: a person's first update since the start follows the draft's step
  (handlers/flow_resume.py), even when the bot was killed before PTB stored the step.
Turn, Step and the inputs are in handlers/flow_turn.py. Each step declares the steps its
answers may lead to (`moves=`): checked as the flow runs (handlers/flow_moves.py), drawn in
docs/flows/ (`python -m bot flow-diagrams`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
)

from bot.auth import current_person, refuse
from bot.callbacks import Button, prefix_pattern
from bot.context import BotContext
from bot.db.repos.drafts import Draft
from bot.domain import Person, Role
from bot.i18n import t, t_plain
from bot.steps import END, SUMMARY, Outcome, Refuse, _Stay
from handlers.common import end_every_flow, flow_state
from handlers.flow_moves import check_move, check_start
from handlers.flow_turn import Accept, Step, Turn, draft_of, message, press, text

__all__ = ["FLOWS", "Flow", "Step", "Turn", "message", "press", "text"]


FLOWS: dict[str, Flow] = {}  # every kit flow by name, for reconcile and the diagrams


class Flow:
    """A multi-step conversation built from steps; `handler()` is its ConversationHandler."""

    def __init__(self, name: str, *, prefix: str, roles: Sequence[Role], steps: Sequence[Step],
                 entry_points: Sequence[BaseHandler], on_cancel: Callable[[Turn], Awaitable[None]],
                 gone: str = "flow.gone", stale: str = "flow.stale",
                 settle: Callable[[Draft, str], str] | None = None,
                 starts: Sequence[str] = ()) -> None:
        self.name, self.prefix, self.roles = name, prefix, tuple(roles)
        self.steps = {s.name: s for s in steps}
        self.starts = tuple(starts) or (steps[0].name,)  # where begin() may open a draft
        self.entry_points, self.on_cancel = list(entry_points), on_cancel
        self.gone, self.stale = gone, stale
        self.cancel_button: Button | None = None
        # A flow whose steps follow from its answers names the step a draft can really be at.
        self.settle = settle or (lambda _draft, step: step)
        self.settles = settle is not None  # said under its diagram (docs/flows/)
        FLOWS[name] = self

    # Entering ------------------------------------------------------------------------------
    async def person(self, update: Update, context: BotContext) -> Person | None:
        """The sender if their role may use the flow; otherwise refused (and None)."""
        person = await current_person(update, context)
        if person is None or person.role not in self.roles:
            await refuse(update)
            return None
        return person

    async def begin(self, update: Update, context: BotContext, person: Person,
                    data: dict[str, Any], step: str) -> str:
        """Starts a fresh draft at step (leaving any other flow) and asks it."""
        check_start(self, step)
        await self.leave_others(update, context, person)
        now = context.clock.now()
        draft = await context.repos.drafts.start(person.id, self.name, data, step, now)
        turn = Turn(self, update, context, person, draft)
        await turn.answer()
        await self.steps[step].ask(turn)
        return step

    async def reopen(self, update: Update, context: BotContext, person: Person,
                     data: dict[str, Any], step: str) -> str:
        """The flow's own command or menu label at one of its steps: asked again, answers kept."""
        draft = await context.repos.drafts.get(person.id, self.name)
        if (draft is not None and draft.step in self.steps
                and flow_state(update, context, self.name) == draft.step):
            return await self.enter(update, context, person, draft, draft.step)
        return await self.begin(update, context, person, data, step)

    async def enter(self, update: Update, context: BotContext, person: Person,
                    draft: Draft, step: str) -> str:
        """Puts an existing draft at step (continue, or a revision) and asks it."""
        await self.leave_others(update, context, person)
        turn = Turn(self, update, context, person, draft)
        return await self.follow(turn, step, None)

    async def leave_others(self, update: Update, context: BotContext, person: Person) -> None:
        """One flow at a time: the others end, their drafts wait to be continued."""
        end_every_flow(update, context, keep=self.name)
        await context.repos.drafts.leave_others(person.id, self.name, context.clock.now())

    async def leave(self, turn: Turn) -> int:
        """Out of the flow with the draft kept (the entry offers to continue it)."""
        if turn.draft is not None:
            turn.draft.step, turn.draft.editing = None, False
            await turn.repos.drafts.save(turn.draft, turn.now())
        return END

    # Handling an input ---------------------------------------------------------------------
    def _run(self, step: Step | None, accept: Accept) -> Callable[..., Awaitable[object]]:
        async def run(update: Update, context: BotContext) -> object:
            turn = await self._turn(update, context)
            if turn is None:
                return END
            if step is not None and self._real_step(turn.draft) != step.name:
                return await self._out_of_step(turn)
            values = accept.button.parse(update.callback_query.data) if accept.button else ()
            outcome = await accept.callback(turn, *(values or ()))
            return await self.follow(turn, outcome, step.name if step else None)

        run.__name__ = run.__qualname__ = getattr(accept.callback, "__name__", "step")
        run.__doc__ = accept.callback.__doc__
        return run

    async def _turn(self, update: Update, context: BotContext) -> Turn | None:
        """The turn of an input at a step: the person (role checked) and their draft."""
        person = await self.person(update, context)
        if person is None:
            return None
        draft = await draft_of(context, person, self.name)
        turn = Turn(self, update, context, person, draft)
        if draft is None:
            await turn.answer()
            await turn.say(t(self.gone))
        return turn if draft is not None else None

    async def follow(self, turn: Turn, outcome: Outcome, current: str | None) -> Any:
        """Writes the draft once and asks the step the outcome names (a move the current
        step does not declare is logged: handlers/flow_moves.py)."""
        target: str | None
        if current is not None:
            check_move(self, current, outcome, turn.draft)
        if outcome is END or outcome is None:
            await turn.answer()
            return END
        draft = turn.draft
        if isinstance(outcome, Refuse):
            await self._refuse(turn, outcome)
            target = current if outcome.ask else None
        else:
            target = None if isinstance(outcome, _Stay) else str(outcome)
        if target is not None and draft is not None:
            target = draft.step = self.settle(draft, target)
            draft.editing = draft.editing and target != SUMMARY
        if draft is not None and not await turn.repos.drafts.save(draft, turn.now()):
            await turn.answer()
            await turn.say(t(self.gone))
            return END
        await turn.answer()
        if target is not None:
            await self.steps[target].ask(turn)
        return target or current or END

    def _real_step(self, draft: Draft) -> str | None:
        """The step the draft is at (settled: the answers may say another)."""
        return self.settle(draft, draft.step) if draft.step in self.steps else None

    async def _out_of_step(self, turn: Turn) -> object:
        """The conversation's step is not the draft's (an old message's button, a double tap;
        the draft is the truth): the stale answer, and the conversation follows the draft."""
        await turn.answer(t_plain(self.stale), alert=True)
        return self._real_step(turn.draft) or END

    @staticmethod
    async def _refuse(turn: Turn, refusal: Refuse) -> None:
        """A refused press gets an alert on the button; a refused message an answer."""
        if turn.update.callback_query is not None:
            await turn.answer(t_plain(refusal.key, **refusal.values), alert=True)
        else:
            await turn.say(t(refusal.key, **refusal.values))

    async def _other(self, update: Update, context: BotContext) -> object:
        """Anything the step does not take: says what it expects (and shows its buttons
        again, unless typing is all the step needs)."""
        turn = await self._turn(update, context)
        if turn is None:
            return END
        real = self._real_step(turn.draft)
        if real is None:
            return await self.leave(turn)
        if real != turn.draft.step:
            return await self.follow(turn, real, None)
        step = self.steps[real]
        await turn.say(t(step.other))
        if not step.typed:
            await step.ask(turn)
        return step.name

    async def _cancel(self, update: Update, context: BotContext) -> int:
        """Cancel (command, menu label or button): the flow says what was kept and dropped."""
        person = await self.person(update, context)
        if person is None:
            return END
        turn = Turn(self, update, context, person,
                    await context.repos.drafts.get(person.id, self.name))
        await turn.answer()
        await self.on_cancel(turn)
        end_every_flow(update, context)
        return END

    async def _stale(self, update: Update, context: BotContext) -> None:
        """A button of another step or of an ended flow: says so (to someone whose role may
        not use the flow: refused), changes nothing."""
        if await self.person(update, context) is not None and update.callback_query:
            await update.callback_query.answer(t_plain(self.stale), show_alert=True)

    async def _timed_out(self, update: Update, context: BotContext) -> int:
        """Half an hour without an answer: out of the flow, the draft kept."""
        person = await current_person(update, context)
        if person is not None:
            await context.repos.drafts.set_step(person.id, self.name, None, context.clock.now())
        return END

    # Wiring (handlers/flow_wiring.py) ----------------------------------------------------
    def handler(self, cancel: Button, *extra_fallbacks: BaseHandler) -> ConversationHandler:
        """The flow's ConversationHandler (persistent: the stored state is the step's name)."""
        from handlers.flow_wiring import conversation  # noqa: PLC0415 - it builds on Flow

        self.cancel_button = cancel
        return conversation(self, cancel, *extra_fallbacks)

    def outside(self) -> list[BaseHandler]:
        """Buttons of this flow pressed while the person is not in it: cancel still cancels
        (a list shown before the flow began), anything else gets the stale answer."""
        assert self.cancel_button is not None, "build the flow's handler() first"
        return [CallbackQueryHandler(self._cancel, pattern=self.cancel_button.pattern),
                CallbackQueryHandler(self._stale, pattern=prefix_pattern(self.prefix))]
