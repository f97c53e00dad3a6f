"""Index stage: the search store analysts query (Elasticsearch/OpenSearch, or the embedded default)."""
