"""The custom actions of the Rasa action server.

They know the app only through its case API: `backend_client.py` is their one HTTP client,
and the facts they need (the institution, operating hours, whether a case is open, the OJK
filing deadline, the form a contact is kept in, the rating range) come from it, not from a copy.

Logs: the action server's entry point (`python -m backend.cli actions`, which the stack runs)
puts the app's personal-data filter (`backend/masked_logs.py`) on every log handler of the
process. So the actions log plainly, and one masking rule hides NIK, card, account and phone
numbers (chat ids included) in every record they write; a copy of the rule here could drift.
"""
