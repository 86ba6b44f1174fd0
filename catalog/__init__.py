"""The union catalogue (*katalog induk*): record model, storage and file store.

This package imports nothing else of Warisan; every other package builds on it.
"""

from catalog.errors import WarisanError

__all__ = ["WarisanError"]
