"""The version of canteensim, recorded in every results folder."""

__version__ = "0.1.0"
