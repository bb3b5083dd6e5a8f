"""Records of cases for people and machines: `formats` (case reports as Markdown,
JSON, CSV), `case_report`, `facts`, `markdown`, `csv_rows`, `case_list`,
`stories` (success stories), the team report (`team_report`, `team_report_model`,
`team_report_stats`, `team_report_text`), and `commands` (all of it asked for
from the chat).

May import: `base`, `texts`, `guidance`, `cases`.
"""
