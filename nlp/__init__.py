"""Understand stage: a spaCy pipeline that classifies offers, names substances and extracts identifiers."""
