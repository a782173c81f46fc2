"""Search over the rendered trees: documents read from their HTML, one index per tree, and queries.

This package imports `core` and Whoosh only, never MkDocs: the search service runs it on servers.
"""
