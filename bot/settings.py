"""All settings in one typed object, read from the environment (and `.env`, loaded by the entry point).

Built once in the entry point and passed down; nothing reads the environment at import time.
Tokens are `SecretStr` so they never show up in logs or reprs.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _env(name: str) -> AliasChoices:
    """Accept both THREADBOT_NAME and the bare platform name (DISCORD_TOKEN), as platform docs spell it."""
    return AliasChoices(f"THREADBOT_{name}", name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THREADBOT_", extra="ignore", populate_by_name=True)

    db: Path = Field(default=Path("threadbot.db"), description="SQLite database file")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    quotes_per_reply: int = Field(default=3, ge=1, le=10, description="How many quotes `quote` shows")
    import_max_bytes: int = Field(default=2 * 1024**3, ge=1, description="Largest file `import` accepts")
    model_dir: Path | None = Field(
        default=None, description="Folder with local ONNX models; unset: the installed default models"
    )

    discord_token: SecretStr | None = Field(default=None, validation_alias=_env("DISCORD_TOKEN"))
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_app_token: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
