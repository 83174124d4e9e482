"""The league's fairness rules, stated as properties of the score and the ranking (DESIGN.md:
a score rewards work done and its quality, never idleness)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.services.compliance import CountyLine, ProgrammeLine, rank, score

COUNTS = st.integers(min_value=0, max_value=6)


@st.composite
def programmes(draw: st.DrawFn) -> tuple[ProgrammeLine, ...]:
    """One to four programmes, each with its requirement and the visits made."""
    out = []
    for n in range(draw(st.integers(min_value=1, max_value=4))):
        strong, medium, weak = draw(COUNTS), draw(COUNTS), draw(COUNTS)
        done = strong + medium + weak
        out.append(ProgrammeLine(n + 1, f"p{n}", draw(st.integers(0, 4)), done,
                                 draw(st.integers(0, done)), strong, medium, weak))
    return tuple(out)


@st.composite
def lines(draw: st.DrawFn, name: str = "c") -> CountyLine:
    """A ranked county with any figures the month can produce."""
    projects = draw(COUNTS)
    reported = draw(st.integers(0, projects))
    return CountyLine(
        draw(st.integers(1, 500)), name, draw(programmes()),
        fu_closed_on_time=draw(COUNTS), fu_closed_late=draw(COUNTS), fu_open=draw(COUNTS),
        fu_overdue=draw(COUNTS), reports=draw(COUNTS), projects=projects, reported=reported,
        reviewed=draw(st.integers(0, reported)), overdue=draw(st.integers(0, projects)),
    )


def idle(line: CountyLine) -> CountyLine:
    """The same county with nothing done: no visit, no follow-up, no report."""
    return line._replace(
        programmes=tuple(p._replace(done=0, on_time=0, strong=0, medium=0, weak=0)
                         for p in line.programmes),
        fu_closed_on_time=0, fu_closed_late=0, fu_open=0, fu_overdue=0, reports=0,
        reported=0, reviewed=0,
    )


def with_visit(line: CountyLine, index: int, evidence: str, on_time: bool) -> CountyLine:
    """The same county with one more visit to one programme."""
    progs = list(line.programmes)
    p = progs[index % len(progs)]
    progs[index % len(progs)] = p._replace(
        done=p.done + 1, on_time=p.on_time + on_time, **{evidence: getattr(p, evidence) + 1})
    return line._replace(programmes=tuple(progs))


EVIDENCE = st.sampled_from(["strong", "medium", "weak"])


@given(lines())
def test_the_score_is_between_0_and_100_and_equal_inputs_score_equal(line: CountyLine) -> None:
    value = score(line)
    assert 0 <= value <= 100
    assert score(line._replace(county_id=line.county_id + 1, county="other")) == value
    assert score(CountyLine(*line)) == value


@given(lines(), st.integers(0, 3), EVIDENCE, st.booleans())
def test_one_more_valid_visit_never_lowers_the_score(line, index, evidence, on_time) -> None:
    assert score(with_visit(line, index, evidence, on_time)) >= score(line)


@given(lines(), st.integers(0, 3), EVIDENCE, st.booleans())
def test_a_visit_that_opens_a_follow_up_never_lowers_the_score(line, index, evidence,
                                                               on_time) -> None:
    visited = with_visit(line, index, evidence, on_time)
    assert score(visited._replace(fu_open=visited.fu_open + 1)) >= score(line)


@given(lines())
def test_opening_a_follow_up_never_lowers_the_score(line: CountyLine) -> None:
    assert score(line._replace(fu_open=line.fu_open + 1)) >= score(line)


@given(lines())
def test_closing_a_follow_up_on_time_never_lowers_the_score(line: CountyLine) -> None:
    opened = line._replace(fu_open=line.fu_open + 1)
    closed = line._replace(fu_closed_on_time=line.fu_closed_on_time + 1)
    assert score(closed) >= score(opened)


@given(lines())
def test_leaving_a_follow_up_overdue_never_raises_the_score(line: CountyLine) -> None:
    opened = line._replace(fu_open=line.fu_open + 1)
    overdue = line._replace(fu_overdue=line.fu_overdue + 1)
    late = line._replace(fu_closed_late=line.fu_closed_late + 1)
    assert score(overdue) <= score(late) <= score(opened)


@given(lines())
def test_reports_received_and_reviewed_never_lower_the_score(line: CountyLine) -> None:
    if line.reported < line.projects:
        assert score(line._replace(reported=line.reported + 1)) >= score(line)
    if line.reviewed < line.reported:
        assert score(line._replace(reviewed=line.reviewed + 1)) >= score(line)


@given(lines(name="active"), lines(name="idle"))
def test_a_county_with_no_activity_never_ranks_above_one_with_activity(active, other) -> None:
    doing_nothing = idle(other)
    assert score(doing_nothing) == 0
    ranked = {x.county: x.rank for x in rank([active, doing_nothing])}
    assert ranked["idle"] >= ranked["active"]


@given(lines(name="one"), lines(name="none"), st.integers(0, 3), EVIDENCE, st.booleans())
def test_zero_visits_never_outrank_a_visit(one, none, index, evidence, on_time) -> None:
    visited = with_visit(idle(one), index, evidence, on_time)
    no_visit = none._replace(programmes=idle(none).programmes)  # follow-ups, reports: any
    ranked = {x.county: x.rank for x in rank([visited, no_visit])}
    assert ranked["none"] >= ranked["one"]


@given(st.lists(lines(), min_size=1, max_size=12))
def test_ties_share_a_rank_and_better_scores_rank_higher(counties) -> None:
    named = [line._replace(county=f"c{i:02d}") for i, line in enumerate(counties)]
    ranked = rank(named)
    for a, b in zip(ranked, ranked[1:], strict=False):
        assert a.score >= b.score
        assert (a.rank == b.rank) == (a.score == b.score)
        if a.score == b.score:
            assert a.county < b.county  # Latin names: Persian order keeps code point order
