"""SQLite storage through sqlite-utils: schema, migrations, the store and the outbox."""
