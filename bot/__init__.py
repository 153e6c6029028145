"""threadbot's platform-neutral core: commands in, structured replies out. Never imports a chat SDK."""
