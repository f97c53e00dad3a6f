"""The test range: local markets, a precursor shop, a forum and channels with known ground truth.

Shares no code with `crawlers`, `nlp` or `index`, so ground truth cannot leak into extraction.
"""
