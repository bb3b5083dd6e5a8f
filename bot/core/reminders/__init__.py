"""Reminders: `scheduler` (fires due clocks; done, snooze, cancel, list) and
`pings` (what a reminder's ping says, whom it mentions). The clock rules the
engine and reports also read (durations, reminder kinds, business hours) and the
`Reminder` value are shared vocabulary in `base.clocks` and `base.reminder`.

May import: `base`, `texts`, `guidance`, `cases`, `delivery`.
"""
