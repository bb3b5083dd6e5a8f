"""The Discord adapter: complaint threads, reactions, /complaint and persistent buttons.

`runtime` connects, works the inbox and delivers the outbox (the jobs `sereno serve`
runs); this file imports nothing, so no module of the adapter depends on it.
"""
