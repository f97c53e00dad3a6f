"""narcwatch: monitor darknet markets and social channels for drug and precursor trafficking."""

__version__ = "0.1.0"
