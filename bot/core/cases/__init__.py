"""A case's life: `engine` (every operation on a case: open, steps, claim, notes,
flags, transitions), `conversation` (later messages, edits and deletes),
`lifecycle` (which status changes are allowed), `floods`, `audience` (may Sereno
guide in a channel), `replies` (an agent's reply to the customer), `outcomes`
(remedies, satisfaction), `reactions` (emoji that mean something), `context`
(who asks, and where).

May import: `base`, `texts`, `guidance`, `reading`.
"""
