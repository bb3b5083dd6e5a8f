"""Acceptance tests of the served product: `sereno run` as a subprocess against the fakes."""
