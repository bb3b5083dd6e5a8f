"""The fixed texts Sereno writes, in each language: `catalog` holds `t`, `label`
and `name` and merges the topic catalogues (`answers`, `delivery`, `replies`,
`report`).

May import: nothing else of the core (plain data and lookups; to be replaced by
gettext catalogues).
"""
