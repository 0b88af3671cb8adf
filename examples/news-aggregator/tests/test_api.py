def test_health_reports_unavailable_services(client):
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "error"
    assert body["cache"] == "error"


def test_create_article_requires_api_key(client):
    article = {"title": "Hello", "url": "https://example.com/hello", "source": "Example"}
    assert client.post("/articles", json=article).status_code == 401
    response = client.post("/articles", json=article, headers={"X-API-Key": "wrong"})
    assert response.status_code == 401


def test_index_shows_refresh_interval(client):
    assert client.get("/").json()["feed_refresh_seconds"] == 300
