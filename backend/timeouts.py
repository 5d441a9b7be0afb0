"""The timeouts of one chat turn, in the order they must nest. The one place that sets them.

A turn goes app → Rasa (REST webhook) → action server → case API (back on the app). Each
hop must give up *before* the hop that waits for it, so the app never abandons a turn that
Rasa is still working on (the answer would be lost, and the customer would send again into a
conversation whose turn is still running):

    case-API call budget  <  Rasa's action timeout  <  ticket-lock lifetime  <  app's turn timeout
           10 s                     40 s                      60 s                   90 s

- **Case-API call budget** (`ACTIONS_CASE_API_BUDGET_SECONDS`, read by `actions/settings.py`):
  one call of an action to the case API, *all its retries and back-off included*. An action
  makes at most `CASE_API_CALLS_PER_ACTION` such calls (`action_submit_intake`: the case, the
  operating hours, the handoff), so an action that finds the case API hanging still ends,
  with its polite "try again" answer, before Rasa's action timeout.
- **Action timeout** (`RASA_ACTION_TIMEOUT_SECONDS`): how long Rasa waits for the action
  server to run one custom action. Rasa 3.6 hard-codes 300 s; `engine/rasa_server.py` sets
  this value in Rasa's process before Rasa starts.
- **Ticket-lock lifetime** (`TICKET_LOCK_LIFETIME`, Rasa's own variable, default 60 s in
  3.6): how long one turn may hold its conversation's lock (in Redis when `REDIS_URL` is set,
  so every Rasa process shares it) before the next message of that conversation is let in.
- **Turn timeout** (`RASA_TURN_TIMEOUT_SECONDS`): how long the app (gateway or turn worker)
  waits for Rasa's answer to one message. HAProxy in front of Rasa and of the app waits
  `PROXY_MARGIN_SECONDS` longer still (`backend/cluster.py`).

`Settings` reads the four values (defaults below) and refuses a configuration that breaks
the order; the stack and the cluster hand them to the processes they start. The action server
and the Rasa launcher cannot import this module (other environments, other rules), so they
repeat the defaults for a process started by hand; a unit test keeps the copies equal.
"""

from __future__ import annotations

from itertools import pairwise

CASE_API_CALL_BUDGET_SECONDS = 10.0
CASE_API_CALLS_PER_ACTION = 3
ACTION_TIMEOUT_SECONDS = 40.0
TICKET_LOCK_LIFETIME_SECONDS = 60
RASA_TURN_TIMEOUT_SECONDS = 90.0
# A proxy waits this much longer than the app's turn timeout before it cuts a request.
PROXY_MARGIN_SECONDS = 10.0


class TimeoutOrderError(ValueError):
    """The timeouts do not nest; the message names the pair in the wrong order."""


def check_timeout_chain(
    *,
    case_api_budget: float,
    action_timeout: float,
    lock_lifetime: float,
    turn_timeout: float,
) -> None:
    """Raise TimeoutOrderError unless every hop gives up before the hop that waits for it."""
    steps = [
        (
            "ACTIONS_CASE_API_BUDGET_SECONDS × "
            f"{CASE_API_CALLS_PER_ACTION} (the case-API calls of one action)",
            case_api_budget * CASE_API_CALLS_PER_ACTION,
        ),
        ("RASA_ACTION_TIMEOUT_SECONDS", action_timeout),
        ("TICKET_LOCK_LIFETIME", lock_lifetime),
        ("RASA_TURN_TIMEOUT_SECONDS", turn_timeout),
    ]
    if min(value for _, value in steps) <= 0:
        raise TimeoutOrderError("every timeout of the turn must be more than 0 seconds")
    for (inner, inner_value), (outer, outer_value) in pairwise(steps):
        if not inner_value < outer_value:
            raise TimeoutOrderError(
                f"{inner} ({inner_value:g} s) must be less than {outer} ({outer_value:g} s)"
            )
