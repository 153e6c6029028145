"""PostgreSQL twin of storage/migrations/m0031_prompt_sending.py: when a claimed prompt was handed to the platform: a claim that never got that far can be posted again after"""

VERSION = 31

SQL = """
ALTER TABLE prompt_posts ADD COLUMN sending_at TEXT;
UPDATE prompt_posts SET sending_at = claimed_at WHERE state = 'intent';
"""
