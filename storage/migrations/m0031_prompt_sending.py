"""When a claimed prompt was handed to the platform: a claim that never got that far can be posted again after
its process died, without any risk of a second post. Intents already there may have been sent: marked so."""

VERSION = 31

SQL = """
ALTER TABLE prompt_posts ADD COLUMN sending_at TEXT;
UPDATE prompt_posts SET sending_at = claimed_at WHERE state = 'intent';
"""
