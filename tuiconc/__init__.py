"""tuiconc: see concurrency and parallelism in Python, measured on your own machine."""

__version__ = "0.1.0"
