"""Round-robin: a newly waiting chat goes to the online agent whose turn it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.domain.round_robin import AgentLoad, next_agent

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def test_nobody_online_leaves_the_chat_waiting() -> None:
    assert next_agent([]) is None


def test_the_agent_holding_the_fewest_chats_gets_the_next_one() -> None:
    loads = [AgentLoad(1, 3, T0), AgentLoad(2, 1, T0), AgentLoad(3, 2, None)]

    assert next_agent(loads) == 2


def test_on_a_tie_the_agent_whose_last_chat_is_longest_past_goes_next() -> None:
    loads = [AgentLoad(1, 1, T0 + timedelta(minutes=5)), AgentLoad(2, 1, T0)]

    assert next_agent(loads) == 2


def test_an_agent_never_given_a_chat_goes_before_one_who_was() -> None:
    loads = [AgentLoad(1, 0, T0), AgentLoad(2, 0, None)]

    assert next_agent(loads) == 2


def test_among_agents_never_given_a_chat_the_lowest_id_goes_first() -> None:
    assert next_agent([AgentLoad(7, 0), AgentLoad(4, 0), AgentLoad(9, 0)]) == 4


def test_turns_go_round_when_each_assignment_is_noted() -> None:
    loads = {1: AgentLoad(1, 0), 2: AgentLoad(2, 0), 3: AgentLoad(3, 0)}
    given = []
    for minute in range(6):
        chosen = next_agent(list(loads.values()))
        assert chosen is not None
        given.append(chosen)
        loads[chosen] = AgentLoad(chosen, 0, T0 + timedelta(minutes=minute))  # chat ended at once

    assert given == [1, 2, 3, 1, 2, 3]
