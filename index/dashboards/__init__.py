"""Kibana and OpenSearch Dashboards saved objects for analysts, generated from `index.schema`."""
