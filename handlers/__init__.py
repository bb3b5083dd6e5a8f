"""One adapter per chat platform, plus the local console."""
