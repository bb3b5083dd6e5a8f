"""Playbooks and the guidance they give: `playbook` holds the playbook and
reading-rule values the loader in `playbooks/` builds; `guide` turns a case and
its playbook into cards (header, steps, suggestions).

May import: `base`, `texts`.
"""
