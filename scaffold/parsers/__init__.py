"""Parsers of project manifests: each takes text, returns plain data, and raises only ManifestError."""
