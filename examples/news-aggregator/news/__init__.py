"""News Aggregator API."""
