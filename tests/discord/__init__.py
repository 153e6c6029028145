"""Discord adapter tests: the real discord.py client against a fake Discord on loopback.

discord.py imports `audioop` (voice support, unused here), deprecated since Python 3.11; with pytest's
`filterwarnings = error` that import would fail, so it is imported once here with that one warning ignored.
"""

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401
