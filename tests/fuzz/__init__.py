"""Helpers of the command fuzz (tests/test_fuzz_commands.py): command lines to type, and checks of the replies."""
