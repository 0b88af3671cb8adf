import pytest
from fastapi.testclient import TestClient

from news.main import app
from news.settings import Settings, get_settings

# Nothing listens on port 1, so connections are refused at once.
UNREACHABLE = Settings(
    database_url="postgresql://news:news@127.0.0.1:1/news",
    redis_url="redis://127.0.0.1:1/0",
    api_key="test-key",
)


@pytest.fixture
def client():
    app.dependency_overrides[get_settings] = lambda: UNREACHABLE
    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        app.dependency_overrides.clear()
