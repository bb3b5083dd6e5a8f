"""The platform-neutral core: it imports no chat SDK and no storage engine."""
