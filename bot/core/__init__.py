"""The platform-neutral core: it imports no chat SDK and no storage engine.

Grouped by capability, each package says what it owns and what it may import.
The layering, lowest first (a package imports only packages to its left):

    base, texts  <-  guidance  <-  reading  <-  cases  <-  delivery
        <-  reminders, records  <-  commands

`tests/test_architecture.py` and `tests/test_import_cycles.py` keep it so.
"""
