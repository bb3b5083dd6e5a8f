"""Reading a complaint: `reader` (language, reason, kind of customer, intensity,
impact, combined), `reason` (why: weighed in the light of the subject, by position and
praise), `kind` (the kind of customer), `signals` (anger and courtesy), `history` (what a
customer's past says), `refs` (order numbers), `subject` (what the complaint is about: an
order, a flight, the app…), `text` (accent-insensitive keyword matching).

May import: `base`, `guidance` (for the reading rules playbooks declare).
"""
