"""Sereno: a chat bot that guides support agents through difficult complaints."""

__version__ = "0.1.0"
