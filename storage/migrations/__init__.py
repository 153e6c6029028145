"""Numbered schema migrations: module `mNNNN_name.py` with `VERSION = NNNN` and `SQL`.

Version ranges by feature keep parallel work from colliding: 1-9 core, 10-19 stance, 20-29 Slack,
30-39 prompts, 40-49 sessions, 50-59 link imports (bot/fetch, bot/features/links).
"""
