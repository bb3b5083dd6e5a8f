"""Getting messages in and out: `drainer` sends each platform's outbox (the rows
and the `Messenger` port are in `base.outbox`), `inbox` keeps every platform
event first and works it lane by lane (`inbox_rows`: its storage port),
`refusals` and `inbox_report` tell the team what could not be delivered or worked.

May import: `base`, `texts`, `cases`.
"""
