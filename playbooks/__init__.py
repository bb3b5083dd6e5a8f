"""Playbook data files and their loader and validator."""
