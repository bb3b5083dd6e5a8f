"""What agents type and click: `language` (the one `/complaint` command language),
`dispatch` (running a parsed command), `interactions` (reactions and buttons on
Sereno's messages), `views` (read-only views: show, timeline, list, playbook),
`timeline` (each timeline entry as a sentence in the agents' language).

May import: every other core package (nothing in the core imports this one).
"""
