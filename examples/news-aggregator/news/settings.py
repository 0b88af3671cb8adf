"""Application settings, loaded from environment variables."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # e.g. postgresql://app:secret@db:5432/app
    database_url: str
    # e.g. redis://redis:6379/0
    redis_url: str
    # How often sources are expected to be re-polled, in seconds.
    feed_refresh_seconds: int = 300
    # Shared secret required in the X-API-Key header to add articles.
    api_key: str


@lru_cache
def get_settings() -> Settings:
    return Settings()
