"""spectrace: which parts of a specification are tested, by which tests, and which are not."""

__version__ = "0.1.0"
