"""Bilingual, heritage-aware full-text search over the union catalogue.

Speaks only its own types (:mod:`search.types`); no engine object leaves a backend.
"""
