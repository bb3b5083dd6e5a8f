"""The Discord adapter end to end: the real discord.py client against FakeDiscord."""
